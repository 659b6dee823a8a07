// Placeholder, replaced by the IRC module's sources.
