
/*
 * ngx_http_api_module: SHA-256 digests (OpenSSL's libcrypto, which the
 * distribution's nginx already links).
 */


#include <openssl/evp.h>

#include "ngx_http_api_digest.h"


/*
 * Per worker: SHA-256 fetched once and one reusable context.  OpenSSL 3
 * fetches the algorithm again on every EVP_DigestInit_ex(EVP_sha256()),
 * which costs more than hashing a key.
 */
struct ngx_http_api_digest_s {
    EVP_MD                      *sha256;
    EVP_MD_CTX                  *md;
};


static ngx_int_t ngx_http_api_sha256_parts(ngx_str_t *parts, ngx_uint_t n,
    ngx_uint_t framed, u_char digest[NGX_HTTP_API_SHA256_LEN]);


ngx_int_t
ngx_http_api_digest_init_process(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf)
{
    ngx_http_api_digest_t  *d;

    d = ngx_pcalloc(cycle->pool, sizeof(ngx_http_api_digest_t));
    if (d == NULL) {
        return NGX_ERROR;
    }

    d->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    d->md = EVP_MD_CTX_new();

    if (d->sha256 == NULL || d->md == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "api: OpenSSL has no SHA-256");
        EVP_MD_free(d->sha256);
        EVP_MD_CTX_free(d->md);
        return NGX_ERROR;
    }

    amcf->digest = d;

    return NGX_OK;
}


void
ngx_http_api_digest_exit_process(ngx_http_api_main_conf_t *amcf)
{
    if (amcf->digest != NULL) {
        EVP_MD_CTX_free(amcf->digest->md);
        EVP_MD_free(amcf->digest->sha256);
        amcf->digest = NULL;
    }
}


ngx_int_t
ngx_http_api_sha256(ngx_str_t *parts, ngx_uint_t n,
    u_char digest[NGX_HTTP_API_SHA256_LEN])
{
    return ngx_http_api_sha256_parts(parts, n, 1, digest);
}


ngx_int_t
ngx_http_api_sha256_plain(ngx_str_t *s,
    u_char digest[NGX_HTTP_API_SHA256_LEN])
{
    return ngx_http_api_sha256_parts(s, 1, 0, digest);
}


/*
 * With the worker's context, or (outside a worker: configuration, tools)
 * one malloc'd by libcrypto and freed before returning.
 */

static ngx_int_t
ngx_http_api_sha256_parts(ngx_str_t *parts, ngx_uint_t n, ngx_uint_t framed,
    u_char digest[NGX_HTTP_API_SHA256_LEN])
{
    u_char                     len[NGX_INT64_LEN + 1], *p;
    ngx_int_t                  rc;
    ngx_uint_t                 i;
    unsigned int               dlen;
    EVP_MD_CTX                *md;
    const EVP_MD              *type;
    ngx_http_api_main_conf_t  *amcf;

    amcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_api_module);

    if (amcf != NULL && amcf->digest != NULL) {
        md = amcf->digest->md;
        type = amcf->digest->sha256;

    } else {
        md = EVP_MD_CTX_new();
        if (md == NULL) {
            return NGX_ERROR;
        }

        type = EVP_sha256();
    }

    rc = NGX_ERROR;

    if (EVP_DigestInit_ex(md, type, NULL) != 1) {
        goto done;
    }

    for (i = 0; i < n; i++) {
        p = framed ? ngx_sprintf(len, "%uz:", parts[i].len) : len;

        if ((p != len && EVP_DigestUpdate(md, len, p - len) != 1)
            || (parts[i].len
                && EVP_DigestUpdate(md, parts[i].data, parts[i].len) != 1))
        {
            goto done;
        }
    }

    if (EVP_DigestFinal_ex(md, digest, &dlen) == 1
        && dlen == NGX_HTTP_API_SHA256_LEN)
    {
        rc = NGX_OK;
    }

done:

    if (amcf == NULL || amcf->digest == NULL) {
        EVP_MD_CTX_free(md);
    }

    return rc;
}


ngx_int_t
ngx_http_api_sha256_hex(ngx_str_t *parts, ngx_uint_t n,
    u_char hex[NGX_HTTP_API_SHA256_HEX_LEN])
{
    u_char  digest[NGX_HTTP_API_SHA256_LEN];

    if (ngx_http_api_sha256(parts, n, digest) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_hex_dump(hex, digest, NGX_HTTP_API_SHA256_LEN);

    return NGX_OK;
}
