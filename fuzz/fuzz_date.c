
/*
 * fuzz_date: ngx_http_api_cond_date(), the HTTP-date of
 * If-Modified-Since and If-Unmodified-Since.
 *
 * Input: the header value.  Checks that the verdict is a time or -1,
 * that white space around the value does not change it, and that a
 * list of two dates or a date with anything after it is refused (RFC
 * 9110, 13.1.3-4: such a header is ignored).
 */


#include "ngx_fuzz.h"
#include "ngx_http_api_cond.h"


static time_t ngx_fuzz_date(ngx_pool_t *pool, const char *before,
    ngx_str_t *value, const char *after);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    time_t       t;
    ngx_str_t    value;
    ngx_pool_t  *pool;

    pool = ngx_fuzz_pool();

    value.len = size;
    value.data = ngx_pnalloc(pool, size);
    ngx_fuzz_check(value.data != NULL || size == 0);
    if (size) {
        ngx_memcpy(value.data, data, size);
    }

    t = ngx_http_api_cond_date(&value);

    ngx_fuzz_check(t >= -1);

    ngx_fuzz_check(ngx_fuzz_date(pool, " \t", &value, "\t ") == t);

    if (t != -1) {
        ngx_fuzz_check(ngx_fuzz_date(pool, "", &value, ", ") == -1
                       || value.len == 0);
        ngx_fuzz_check(ngx_fuzz_date(pool, "", &value, " x") == -1);
    }

    ngx_destroy_pool(pool);

    return 0;
}


/* The verdict on before + value + after. */

static time_t
ngx_fuzz_date(ngx_pool_t *pool, const char *before, ngx_str_t *value,
    const char *after)
{
    u_char     *p;
    ngx_str_t   v;

    v.len = strlen(before) + value->len * (*after == ',' ? 2 : 1)
            + strlen(after);
    v.data = ngx_pnalloc(pool, v.len);
    ngx_fuzz_check(v.data != NULL);

    p = ngx_cpymem(v.data, before, strlen(before));
    p = ngx_cpymem(p, value->data, value->len);
    p = ngx_cpymem(p, after, strlen(after));

    if (*after == ',') {
        /* a list: the date twice */
        p = ngx_cpymem(p, value->data, value->len);
    }

    return ngx_http_api_cond_date(&v);
}
