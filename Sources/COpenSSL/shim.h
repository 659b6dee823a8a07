// The one header through which Swift reaches OpenSSL.
//
// Swift imports OpenSSL's real functions directly. What it cannot import are
// function-like macros; each one SecureChat needs is wrapped here as a
// `static inline COpenSSL_<OpenSSL name>` function with the same arguments.
// A system library target holds no .c file, so everything here is inline.
#ifndef SECURECHAT_COPENSSL_SHIM_H
#define SECURECHAT_COPENSSL_SHIM_H

#include <openssl/opensslv.h>

#if !defined(OPENSSL_VERSION_MAJOR) || OPENSSL_VERSION_MAJOR < 3
#error "SecureChat needs OpenSSL 3.0 or newer: install libssl-dev (Debian/Ubuntu) or openssl-devel (Amazon Linux/Fedora/RHEL)"
#endif

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// MARK: option bits (defined through the function-like SSL_OP_BIT, so Swift cannot see them)

static const uint64_t COpenSSL_SSL_OP_NO_TICKET = SSL_OP_NO_TICKET;
static const uint64_t COpenSSL_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t COpenSSL_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t COpenSSL_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;

// MARK: SSL_CTX and SSL settings

static inline int COpenSSL_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline long COpenSSL_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

static inline long COpenSSL_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

static inline int COpenSSL_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return (int)SSL_CTX_set1_groups_list(ctx, list);
}

static inline int COpenSSL_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *cert) {
    return (int)SSL_CTX_add1_chain_cert(ctx, cert);
}

static inline int COpenSSL_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline int COpenSSL_SSL_get_ex_new_index(void) {
    return SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

// MARK: BIOs

static inline long COpenSSL_BIO_get_mem_ptr(BIO *bio, BUF_MEM **buffer) {
    return BIO_get_mem_ptr(bio, buffer);
}

static inline void COpenSSL_BIO_clear_retry_flags(BIO *bio) {
    BIO_clear_retry_flags(bio);
}

static inline void COpenSSL_BIO_set_retry_read(BIO *bio) {
    BIO_set_retry_read(bio);
}

// MARK: memory

static inline void COpenSSL_OPENSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}

// MARK: keys and certificates (the in-process certificate issuer)

static inline EVP_PKEY *COpenSSL_EVP_EC_gen(const char *curve) {
    return EVP_EC_gen(curve);
}

static inline void COpenSSL_X509V3_set_ctx_nodb(X509V3_CTX *ctx) {
    X509V3_set_ctx_nodb(ctx);
}

#endif
