// Placeholder, replaced by the chat server sources.
