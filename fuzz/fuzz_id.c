
/*
 * fuzz_id: ngx_http_api_id_valid(), which stands between a client's id
 * (URL or body) and a Redis key, and ngx_http_api_id_generate().
 *
 * Input: any bytes, checked as an id against the README's rule; the
 * first 16 bytes, if there are that many, are also two times in ms:
 * generated ids must be valid, 26 characters of Crockford base32,
 * carry their time, and sort in time order.
 */


#include "ngx_fuzz.h"
#include "ngx_http_api_id.h"


static ngx_uint_t ngx_fuzz_id_model(const uint8_t *p, size_t len);
static void ngx_fuzz_generate(ngx_http_api_main_conf_t *amcf, uint64_t ms,
    u_char *id);


static ngx_http_api_main_conf_t  ngx_fuzz_amcf;


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char        *p, id1[NGX_HTTP_API_ID_LEN], id2[NGX_HTTP_API_ID_LEN];
    uint64_t       t1, t2;
    ngx_pool_t    *pool;
    ngx_cycle_t    cycle;

    pool = ngx_fuzz_pool();

    p = ngx_pnalloc(pool, size);
    ngx_fuzz_check(p != NULL || size == 0);
    if (size) {
        ngx_memcpy(p, data, size);
    }

    ngx_fuzz_check(!ngx_http_api_id_valid(p, size)
                   == !ngx_fuzz_id_model(data, size));

    if (ngx_fuzz_amcf.ids == NULL) {
        /* per worker in nginx: once here, from the first input's pool */
        ngx_memzero(&cycle, sizeof(ngx_cycle_t));
        cycle.pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, &ngx_fuzz_log);
        cycle.log = &ngx_fuzz_log;
        ngx_fuzz_check(cycle.pool != NULL);
        ngx_fuzz_check(ngx_http_api_ids_init(&cycle, &ngx_fuzz_amcf)
                       == NGX_OK);
    }

    if (size >= 16) {
        ngx_memcpy(&t1, data, 8);
        ngx_memcpy(&t2, data + 8, 8);

        /* times the clock can show: before the year 10889 (2^48 ms) */

        t1 &= 0xffffffffffffULL;
        t2 &= 0xffffffffffffULL;

        ngx_fuzz_generate(&ngx_fuzz_amcf, t1, id1);
        ngx_fuzz_generate(&ngx_fuzz_amcf, t2, id2);

        if (t1 < t2) {
            ngx_fuzz_check(memcmp(id1, id2, NGX_HTTP_API_ID_LEN) < 0);

        } else if (t1 > t2) {
            ngx_fuzz_check(memcmp(id1, id2, NGX_HTTP_API_ID_LEN) > 0);

        } else {
            ngx_fuzz_check(memcmp(id1, id2, 10) == 0);
        }
    }

    ngx_destroy_pool(pool);

    return 0;
}


/* README: an id is 1 to 128 of A-Z a-z 0-9 . _ ~ - (not "." or "..") */

static ngx_uint_t
ngx_fuzz_id_model(const uint8_t *p, size_t len)
{
    size_t  i;

    if (len < 1 || len > 128) {
        return 0;
    }

    if (len <= 2 && memcmp(p, "..", len) == 0) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (p[i] == 0
            || strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789._~-", p[i]) == NULL)
        {
            return 0;
        }
    }

    return 1;
}


static void
ngx_fuzz_generate(ngx_http_api_main_conf_t *amcf, uint64_t ms, u_char *id)
{
    u_char      *c;
    uint64_t     t;
    ngx_uint_t   i;
    ngx_time_t  *tp;

    static const char  base32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    tp = (ngx_time_t *) ngx_cached_time;
    tp->sec = ms / 1000;
    tp->msec = ms % 1000;

    ngx_http_api_id_generate(amcf, id);

    ngx_fuzz_check(ngx_http_api_id_valid(id, NGX_HTTP_API_ID_LEN));

    t = 0;

    for (i = 0; i < NGX_HTTP_API_ID_LEN; i++) {
        c = (u_char *) strchr(base32, id[i]);
        ngx_fuzz_check(id[i] != '\0' && c != NULL);

        if (i < 10) {
            t = t << 5 | (uint64_t) (c - (u_char *) base32);
        }
    }

    ngx_fuzz_check(t == ms);
}
