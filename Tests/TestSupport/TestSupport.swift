// Placeholder, replaced by test support sources.
import COpenSSL
