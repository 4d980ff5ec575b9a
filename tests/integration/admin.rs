// Tests: admin
