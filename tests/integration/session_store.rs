// Tests: session_store
