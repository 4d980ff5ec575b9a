// Tests: cli
