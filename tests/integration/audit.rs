// Tests: audit
