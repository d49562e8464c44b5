
/*
 * ngx_http_api_module: Idempotency-Key on POST and PATCH.
 */


#ifndef _NGX_HTTP_API_IDEMPOTENCY_H_INCLUDED_
#define _NGX_HTTP_API_IDEMPOTENCY_H_INCLUDED_


#include "ngx_http_api.h"
#include "ngx_http_api_digest.h"
#include "ngx_http_api_id.h"


/* api_idempotency */
#define NGX_HTTP_API_IDEM_OFF        0
#define NGX_HTTP_API_IDEM_ON         1
#define NGX_HTTP_API_IDEM_REQUIRED   2

/* the write scripts' answers besides HTTP statuses */
#define NGX_HTTP_API_IDEM_REPLAY     0     /* {0, status, rev, id, doc} */
#define NGX_HTTP_API_IDEM_REUSED     422   /* {422} */


/*
 * Goes on with the request once the lock is held: returns what r is
 * finalized with, as a content handler would.
 */
typedef ngx_int_t (*ngx_http_api_idem_next_pt)(ngx_http_request_t *r);


/* A request's Idempotency-Key, from the lock to the write's reply. */
typedef struct {
    ngx_http_api_main_conf_t    *amcf;
    ngx_log_t                   *log;
    ngx_http_api_idem_next_pt    next;
    ngx_str_t                    record;   /* <prefix>{<c>}:idem:<hash> */
    ngx_str_t                    lock;     /* <prefix>{<c>}:idemlock:<hash> */
    ngx_str_t                    ttl;      /* the record's, in ms */
    u_char                       token[NGX_HTTP_API_ID_LEN];
    u_char                       fingerprint[NGX_HTTP_API_SHA256_HEX_LEN];

    /* this request may hold the lock: the pool cleanup releases it */
    unsigned                     locked:1;
} ngx_http_api_idem_t;


/*
 * For a POST or PATCH, before its body is read.  index is the
 * collection's key ("<prefix>{<c>}").  NGX_DECLINED: no key to honour
 * (not enabled, or none sent where it is optional), go on without.
 * NGX_DONE: the lock command is in flight; next(r) runs once the lock is
 * held, and *idem is set.  Anything else: what r is finalized with (a
 * problem was sent: 400, 503).
 */
ngx_int_t ngx_http_api_idem_lock(ngx_http_request_t *r, ngx_str_t *index,
    ngx_http_api_idem_next_pt next, ngx_http_api_idem_t **idem);

/*
 * Adds the key's part to a write script's command: the record and lock
 * keys after argv's *nkeys keys, and the request's fingerprint (method,
 * path, If-Match, If-None-Match, body), the token and the record's ttl
 * after its arguments.  argv and argvlen have room for 5 more.
 */
ngx_int_t ngx_http_api_idem_args(ngx_http_request_t *r,
    ngx_http_api_idem_t *idem, ngx_str_t *body, int *nkeys, int *argc,
    const char **argv, size_t *argvlen);


#endif /* _NGX_HTTP_API_IDEMPOTENCY_H_INCLUDED_ */
