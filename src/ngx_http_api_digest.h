
/*
 * ngx_http_api_module: SHA-256 digests (OpenSSL's libcrypto).
 */


#ifndef _NGX_HTTP_API_DIGEST_H_INCLUDED_
#define _NGX_HTTP_API_DIGEST_H_INCLUDED_


#include "ngx_http_api.h"


#define NGX_HTTP_API_SHA256_LEN      32
#define NGX_HTTP_API_SHA256_HEX_LEN  64


/* The worker's libcrypto state: created in init_process, freed on exit. */
ngx_int_t ngx_http_api_digest_init_process(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf);
void ngx_http_api_digest_exit_process(ngx_http_api_main_conf_t *amcf);


/*
 * The digest of the concatenation of n parts, each preceded by its length
 * (so that ("ab", "c") and ("a", "bc") differ).  Returns NGX_ERROR only
 * when libcrypto cannot allocate.
 */
ngx_int_t ngx_http_api_sha256(ngx_str_t *parts, ngx_uint_t n,
    u_char digest[NGX_HTTP_API_SHA256_LEN]);

/* The plain SHA-256 of one string (what sha256sum prints, unencoded). */
ngx_int_t ngx_http_api_sha256_plain(ngx_str_t *s,
    u_char digest[NGX_HTTP_API_SHA256_LEN]);

/* ngx_http_api_sha256(), as 64 lowercase hex digits (not NUL-terminated). */
ngx_int_t ngx_http_api_sha256_hex(ngx_str_t *parts, ngx_uint_t n,
    u_char hex[NGX_HTTP_API_SHA256_HEX_LEN]);


#endif /* _NGX_HTTP_API_DIGEST_H_INCLUDED_ */
