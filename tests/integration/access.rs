// Tests: access
