// Tests: browser
