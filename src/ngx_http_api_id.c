
/*
 * ngx_http_api_module: document ids and revision tokens.
 *
 * Ids are made in the worker, without a Redis round trip: the time in
 * milliseconds, then 80 bits from a per-worker xoshiro256** generator
 * seeded from getrandom(), so workers and nodes never share a sequence.
 */


#include <sys/random.h>

#include "ngx_http_api_id.h"


struct ngx_http_api_ids_s {
    uint64_t    s[4];
};


static uint64_t ngx_http_api_id_next(ngx_http_api_ids_t *ids);


static const u_char  ngx_http_api_base32[] =
    "0123456789ABCDEFGHJKMNPQRSTVWXYZ";


/* Per worker, from init_process; lives in the cycle pool. */

ngx_int_t
ngx_http_api_ids_init(ngx_cycle_t *cycle, ngx_http_api_main_conf_t *amcf)
{
    ngx_uint_t           i;
    ngx_time_t          *tp;
    ngx_http_api_ids_t  *ids;

    ids = ngx_pcalloc(cycle->pool, sizeof(ngx_http_api_ids_t));
    if (ids == NULL) {
        return NGX_ERROR;
    }

    if (getrandom(ids->s, sizeof(ids->s), 0) != (ssize_t) sizeof(ids->s)) {
        ngx_log_error(NGX_LOG_WARN, cycle->log, ngx_errno,
                      "api: getrandom() failed, seeding ids from time");

        tp = ngx_timeofday();

        ids->s[0] = ((uint64_t) ngx_pid << 32) ^ (uint64_t) tp->sec;
        ids->s[1] = ((uint64_t) tp->msec << 32) ^ (uint64_t) ngx_random();
        ids->s[2] = (uint64_t) ngx_random() << 31 ^ (uint64_t) ngx_random();
        ids->s[3] = (uint64_t) (uintptr_t) ids ^ 0x9e3779b97f4a7c15ULL;
    }

    /* xoshiro must not start from all zeroes; mix a little first */

    ids->s[3] |= 1;

    for (i = 0; i < 16; i++) {
        (void) ngx_http_api_id_next(ids);
    }

    amcf->ids = ids;

    return NGX_OK;
}


static uint64_t
ngx_http_api_id_next(ngx_http_api_ids_t *ids)
{
    uint64_t  *s = ids->s;
    uint64_t   result, t, x;

    x = s[1] * 5;
    result = ((x << 7) | (x >> 57)) * 9;
    t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);

    return result;
}


void
ngx_http_api_id_generate(ngx_http_api_main_conf_t *amcf, u_char *dst)
{
    uint64_t     ms, hi, lo;
    ngx_int_t    i;
    ngx_time_t  *tp;

    tp = ngx_timeofday();
    ms = (uint64_t) tp->sec * 1000 + tp->msec;

    /* 10 characters of time: 50 bits, the top 2 always zero */

    for (i = 9; i >= 0; i--) {
        dst[i] = ngx_http_api_base32[ms & 31];
        ms >>= 5;
    }

    /* 16 characters of randomness: 80 bits */

    hi = ngx_http_api_id_next(amcf->ids);
    lo = ngx_http_api_id_next(amcf->ids);

    for (i = 0; i < 8; i++) {
        dst[10 + i] = ngx_http_api_base32[(hi >> (5 * i)) & 31];
        dst[18 + i] = ngx_http_api_base32[(lo >> (5 * i)) & 31];
    }
}


ngx_int_t
ngx_http_api_id_valid(u_char *p, size_t len)
{
    size_t  i;

    if (len == 0 || len > NGX_HTTP_API_ID_MAX) {
        return 0;
    }

    if (p[0] == '.' && (len == 1 || (len == 2 && p[1] == '.'))) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')
            || (p[i] >= '0' && p[i] <= '9')
            || p[i] == '.' || p[i] == '_' || p[i] == '~' || p[i] == '-')
        {
            continue;
        }

        return 0;
    }

    return 1;
}
