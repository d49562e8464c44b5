
/*
 * ngx_http_api_module: the access-phase policies' shared state of one
 * request (ctx->policy): their decisions, the first refusal, and how a
 * policy's Redis reply resumes the phase.  access.c runs the policies;
 * keys.c and limit.c are the policies.
 */


#ifndef _NGX_HTTP_API_POLICY_H_INCLUDED_
#define _NGX_HTTP_API_POLICY_H_INCLUDED_


#include "ngx_http_api.h"


/* What one rate limit decided for this request (limit.c fills it). */
typedef struct {
    ngx_str_t                    key;        /* empty: the limit is skipped */
    ngx_int_t                    remaining;
    ngx_uint_t                   reset;      /* seconds until fully refilled */
    ngx_uint_t                   retry;      /* seconds, when over the limit */
    ngx_uint_t                   over;
} ngx_http_api_limit_state_t;


/* ctx->policy: the policies' progress through one request. */
struct ngx_http_api_policy_s {
    ngx_uint_t                   waiting;    /* for a Redis reply */
    ngx_uint_t                   key_done;
    ngx_uint_t                   limit_done;

    /* the first refusal: sent by ngx_http_api_access_handler() */
    ngx_uint_t                   status;
    const char                  *code;
    const char                  *detail;
    const char                  *authenticate;   /* WWW-Authenticate */
    ngx_uint_t                   retry_after;

    ngx_uint_t                   nlimits;
    ngx_http_api_limit_state_t  *limits;
};


/* The request's policy state: found, or created; NULL: no memory. */
ngx_http_api_policy_t *ngx_http_api_policy(ngx_http_request_t *r);

/* Records a refusal; the first one recorded is the one sent. */
void ngx_http_api_policy_deny(ngx_http_api_policy_t *st, ngx_uint_t status,
    const char *code, const char *detail);

/*
 * A policy's Redis reply handler calls this once, after it has recorded
 * its decision, in place of finalizing: it gives back the request count
 * the engine took (ngx_http_api_redis.h) and the access phase goes on
 * where it stopped.
 */
void ngx_http_api_policy_resume(ngx_http_request_t *r);


#endif /* _NGX_HTTP_API_POLICY_H_INCLUDED_ */
