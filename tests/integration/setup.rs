// Tests: setup
