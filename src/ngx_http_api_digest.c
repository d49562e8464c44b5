
/*
 * ngx_http_api_module: SHA-256 digests (OpenSSL's libcrypto, which the
 * distribution's nginx already links).
 */


#include <openssl/evp.h>

#include "ngx_http_api_digest.h"


static ngx_int_t ngx_http_api_sha256_parts(ngx_str_t *parts, ngx_uint_t n,
    ngx_uint_t framed, u_char digest[NGX_HTTP_API_SHA256_LEN]);


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


/* The EVP context is malloc'd by libcrypto and freed before returning. */

static ngx_int_t
ngx_http_api_sha256_parts(ngx_str_t *parts, ngx_uint_t n, ngx_uint_t framed,
    u_char digest[NGX_HTTP_API_SHA256_LEN])
{
    u_char        len[NGX_INT64_LEN + 1], *p;
    ngx_int_t     rc;
    ngx_uint_t    i;
    unsigned int  dlen;
    EVP_MD_CTX   *md;

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
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

    EVP_MD_CTX_free(md);

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
