// Placeholder, replaced by the TLS module's sources.
import COpenSSL
