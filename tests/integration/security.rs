// Tests: security
