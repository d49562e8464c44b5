
/*
 * fuzz_media: ngx_http_api_parse_media_type(), the Content-Type check
 * of POST, PUT and PATCH.
 *
 * Input: one byte (bit 0: a PATCH), then the header value.  Checks the
 * verdict against a model of the README's rule, and that it ignores
 * parameters and the case of the type.
 */


#include "ngx_fuzz.h"
#include "ngx_http_api_parse.h"


static ngx_uint_t ngx_fuzz_model(u_char *p, size_t len, ngx_uint_t patch);
static ngx_uint_t ngx_fuzz_is(u_char *p, size_t len, const char *lower);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char      *semi;
    size_t       i;
    ngx_int_t    rc, rc2;
    ngx_str_t    value, upper;
    ngx_uint_t   patch;
    ngx_pool_t  *pool;

    if (size < 1) {
        return 0;
    }

    pool = ngx_fuzz_pool();

    patch = data[0] & 1;

    value.len = size - 1;
    value.data = ngx_pnalloc(pool, value.len);
    ngx_fuzz_check(value.data != NULL || value.len == 0);
    if (value.len) {
        ngx_memcpy(value.data, data + 1, value.len);
    }

    rc = ngx_http_api_parse_media_type(&value, patch);

    ngx_fuzz_check(rc == NGX_OK || rc == NGX_DECLINED);
    ngx_fuzz_check((rc == NGX_OK)
                   == ngx_fuzz_model(value.data, value.len, patch));

    /* the type's case does not matter (parameters may hold anything) */

    semi = memchr(value.data, ';', value.len);

    upper.len = value.len;
    upper.data = ngx_pnalloc(pool, upper.len);
    ngx_fuzz_check(upper.data != NULL || upper.len == 0);

    for (i = 0; i < value.len; i++) {
        upper.data[i] = (semi == NULL || value.data + i < semi)
                        ? ngx_toupper(value.data[i]) : value.data[i];
    }

    rc2 = ngx_http_api_parse_media_type(&upper, patch);
    ngx_fuzz_check(rc2 == rc);

    ngx_destroy_pool(pool);

    return 0;
}


/*
 * README: application/json; for PATCH also application/merge-patch+json,
 * for POST and PUT also any application/...+json but the patch formats
 * merge-patch+json and json-patch+json; parameters are allowed.
 */

static ngx_uint_t
ngx_fuzz_model(u_char *p, size_t len, ngx_uint_t patch)
{
    u_char  *semi;

    semi = memchr(p, ';', len);
    if (semi != NULL) {
        len = semi - p;
    }

    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
        len--;
    }

    if (ngx_fuzz_is(p, len, "application/json")) {
        return 1;
    }

    if (ngx_fuzz_is(p, len, "application/merge-patch+json")) {
        return patch;
    }

    if (patch || ngx_fuzz_is(p, len, "application/json-patch+json")) {
        return 0;
    }

    return len > 17 && ngx_fuzz_is(p, 12, "application/")
           && ngx_fuzz_is(p + len - 5, 5, "+json");
}


static ngx_uint_t
ngx_fuzz_is(u_char *p, size_t len, const char *lower)
{
    size_t  i;

    if (len != strlen(lower)) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (ngx_tolower(p[i]) != (u_char) lower[i]) {
            return 0;
        }
    }

    return 1;
}
