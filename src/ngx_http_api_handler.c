
/*
 * ngx_http_api_module: the resource API (the "api" directive).
 *
 * METHOD /{collection}[/{id}] relative to the location: the "api" and
 * "api_collection" directives, routing, reads (GET, HEAD, OPTIONS), and
 * the hand-off of lists (list.c) and writes (write.c).
 */


#include "ngx_http_api_handler.h"
#include "ngx_http_api_conf.h"
#include "ngx_http_api_ctx.h"
#include "ngx_http_api_doc.h"
#include "ngx_http_api_list.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_response.h"
#include "ngx_http_api_store.h"
#include "ngx_http_api_write.h"


#define NGX_HTTP_API_ALLOW_COLLECTION  "GET, HEAD, POST, OPTIONS"
#define NGX_HTTP_API_ALLOW_ITEM  "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"


static ngx_int_t ngx_http_api_route(ngx_http_request_t *r,
    ngx_http_api_op_t *op, ngx_uint_t *item, ngx_int_t *rc);
static void ngx_http_api_operation(ngx_http_request_t *r,
    ngx_http_api_op_t *op, ngx_uint_t item);
static ngx_int_t ngx_http_api_not_allowed(ngx_http_request_t *r,
    ngx_uint_t item);
static ngx_int_t ngx_http_api_get(ngx_http_request_t *r,
    ngx_http_api_op_t *op);
static void ngx_http_api_get_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);


/*
 * api;  The location serves the resource API: METHOD /{collection}[/{id}]
 * relative to its prefix.
 */

char *
ngx_http_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    ngx_http_core_loc_conf_t   *clcf;
    ngx_http_api_main_conf_t   *amcf;
    ngx_http_api_loc_conf_t   **ap;

    if (alcf->api != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    clcf = ngx_http_api_prefix_location(cf, cmd);
    if (clcf == NULL) {
        return NGX_CONF_ERROR;
    }

    alcf->api = 1;
    alcf->api_loc = alcf;
    alcf->base = clcf->name;
    alcf->clcf = clcf;
    clcf->handler = ngx_http_api_handler;

    ngx_http_api_metrics_mark(alcf);

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    ap = ngx_array_push(&amcf->apis);
    if (ap == NULL) {
        return NGX_CONF_ERROR;
    }

    *ap = alcf;

    if (ngx_http_api_store_init(cf, amcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_http_api_needs_redis(cf, amcf);

    return NGX_CONF_OK;
}


/* api_collection name ...;  [A-Za-z0-9_-]{1,64}, no duplicates. */

char *
ngx_http_api_collection(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    ngx_str_t   *value, *c;
    ngx_uint_t   i, k;

    if (alcf->collections == NULL) {
        alcf->collections = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
        if (alcf->collections == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_http_api_conf_name(cf, &value[i], "collection") != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        c = alcf->collections->elts;

        for (k = 0; k < alcf->collections->nelts; k++) {
            if (c[k].len == value[i].len
                && ngx_strncmp(c[k].data, value[i].data, c[k].len) == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "duplicate collection \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }
        }

        c = ngx_array_push(alcf->collections);
        if (c == NULL) {
            return NGX_CONF_ERROR;
        }

        *c = value[i];
    }

    return NGX_CONF_OK;
}


/* The resource API's part of merge_loc_conf. */

char *
ngx_http_api_handler_merge(ngx_conf_t *cf, ngx_http_api_loc_conf_t *prev,
    ngx_http_api_loc_conf_t *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    ngx_conf_merge_uint_value(conf->max_depth, prev->max_depth, 32);
    ngx_conf_merge_uint_value(conf->limit_max, prev->limit_max, 1000);
    ngx_conf_merge_size_value(conf->list_max_size, prev->list_max_size,
                              1024 * 1024);

    conf->limit_default = ngx_min(20, conf->limit_max);

    ngx_conf_merge_uint_value(conf->idempotency, prev->idempotency,
                              NGX_HTTP_API_IDEM_OFF);
    ngx_conf_merge_msec_value(conf->idempotency_ttl, prev->idempotency_ttl,
                              24 * 60 * 60 * 1000);
    ngx_conf_merge_msec_value(conf->idempotency_lock_ttl,
                              prev->idempotency_lock_ttl, 60 * 1000);

    /* an "if" block inside an api location serves that location's API */
    if (conf->api_loc == NULL) {
        conf->api_loc = prev->api_loc;
    }

    /* so does a limit_except block, as proxy_pass's does */
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->lmt_excpt && clcf->handler == NULL && conf->api_loc != NULL) {
        clcf->handler = ngx_http_api_handler;
    }

    if (conf->api_loc == conf && conf->collections == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"api\" in location \"%V\" needs at least one "
                           "\"api_collection\"", &conf->base);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * The api locations enforce client_max_body_size themselves, so that an
 * oversized body gets a problem+json 413 rather than nginx's HTML page,
 * and read bodies into memory without temporary files.
 */

ngx_int_t
ngx_http_api_handler_init(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf)
{
    ngx_uint_t                  i, core;
    ngx_http_api_loc_conf_t   **ap, *alcf;
    ngx_http_core_loc_conf_t   *lcf;

    core = ngx_http_core_module.ctx_index;

    ap = amcf->apis.elts;

    for (i = 0; i < amcf->apis.nelts; i++) {
        alcf = ap[i];

        alcf->max_body = alcf->clcf->client_max_body_size;
        alcf->clcf->client_max_body_size = 0;

        if (alcf->clcf->limit_except_loc_conf) {
            lcf = alcf->clcf->limit_except_loc_conf[core];
            lcf->client_max_body_size = 0;
        }

        alcf->max_doc.data = ngx_pnalloc(cf->pool, NGX_OFF_T_LEN);
        if (alcf->max_doc.data == NULL) {
            return NGX_ERROR;
        }

        alcf->max_doc.len = ngx_sprintf(alcf->max_doc.data, "%O",
                                        alcf->max_body ? alcf->max_body
                                                       : NGX_MAX_OFF_T_VALUE)
                            - alcf->max_doc.data;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_api_handler(ngx_http_request_t *r)
{
    ngx_int_t            rc;
    ngx_uint_t           item;
    ngx_http_api_op_t   *op;
    ngx_http_api_ctx_t  *ctx;

    ctx = ngx_http_api_ctx(r);
    op = ngx_pcalloc(r->pool, sizeof(ngx_http_api_op_t));
    if (ctx == NULL || op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->op = op;
    op->ctx = ctx;

    op->alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);
    op->alcf = op->alcf->api_loc;
    op->amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    if (ngx_http_api_route(r, op, &item, &rc) != NGX_OK) {
        return rc;
    }

    ngx_http_api_operation(r, op, item);

    switch (r->method) {

    case NGX_HTTP_GET:
    case NGX_HTTP_HEAD:
        rc = ngx_http_api_discard_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return item ? ngx_http_api_get(r, op) : ngx_http_api_list(r, op);

    case NGX_HTTP_OPTIONS:
        return ngx_http_api_send_options(r, item
                                            ? NGX_HTTP_API_ALLOW_ITEM
                                            : NGX_HTTP_API_ALLOW_COLLECTION);

    case NGX_HTTP_POST:
        if (item) {
            break;
        }

        op->kind = NGX_HTTP_API_OP_CREATE;
        return ngx_http_api_write_start(r, op);

    case NGX_HTTP_PUT:
        if (!item) {
            break;
        }

        op->kind = NGX_HTTP_API_OP_PUT;
        return ngx_http_api_write_start(r, op);

    case NGX_HTTP_PATCH:
        if (!item) {
            break;
        }

        op->kind = NGX_HTTP_API_OP_PATCH;
        return ngx_http_api_write_start(r, op);

    case NGX_HTTP_DELETE:
        if (!item) {
            break;
        }

        rc = ngx_http_api_discard_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_api_write_delete(r, op);
    }

    return ngx_http_api_not_allowed(r, item);
}


/*
 * Routes the path after the location prefix (ngx_http_api_parse_route())
 * and makes the Redis keys.  NGX_OK: routed.  NGX_DECLINED: *rc is what
 * the request finalizes with (a problem was sent, or an internal error).
 */

static ngx_int_t
ngx_http_api_route(ngx_http_request_t *r, ngx_http_api_op_t *op,
    ngx_uint_t *item, ngx_int_t *rc)
{
    u_char                *p, *end;
    ngx_str_t              none;
    ngx_http_api_error_t   err;
    ngx_http_api_route_t   route;

    *item = 0;
    ngx_str_null(&none);

    p = r->uri.data + op->alcf->base.len;
    end = r->uri.data + r->uri.len;

    if (p > end) {
        p = end;
    }

    if (ngx_http_api_parse_route(p, end, op->alcf->collections, &route, &err)
        != NGX_OK)
    {
        *rc = ngx_http_api_send_problem(r, err.status, err.code, err.detail);
        return NGX_DECLINED;
    }

    op->collection = route.collection;

    if (route.item) {
        op->id = route.id;
        *item = 1;

        if (ngx_http_api_store_key(r->pool, op->amcf, &op->collection,
                                   &op->id, &op->key) != NGX_OK)
        {
            *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
            return NGX_DECLINED;
        }
    }

    if (ngx_http_api_store_key(r->pool, op->amcf, &op->collection, &none,
                               &op->index) != NGX_OK)
    {
        *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* $api_collection and $api_operation: what the request asks for. */

static void
ngx_http_api_operation(ngx_http_request_t *r, ngx_http_api_op_t *op,
    ngx_uint_t item)
{
    ngx_str_t  *name;

    op->ctx->collection = op->collection;
    name = &op->ctx->operation;

    switch (r->method) {

    case NGX_HTTP_GET:
    case NGX_HTTP_HEAD:
        if (item) {
            ngx_str_set(name, "read");

        } else {
            ngx_str_set(name, "list");
        }

        break;

    case NGX_HTTP_OPTIONS:
        ngx_str_set(name, "options");
        break;

    case NGX_HTTP_POST:
        if (!item) {
            ngx_str_set(name, "create");
        }

        break;

    case NGX_HTTP_PUT:
        if (item) {
            ngx_str_set(name, "replace");
        }

        break;

    case NGX_HTTP_PATCH:
        if (item) {
            ngx_str_set(name, "update");
        }

        break;

    case NGX_HTTP_DELETE:
        if (item) {
            ngx_str_set(name, "delete");
        }

        break;
    }
}


static ngx_int_t
ngx_http_api_not_allowed(ngx_http_request_t *r, ngx_uint_t item)
{
    if (item) {
        return ngx_http_api_send_not_allowed(r, NGX_HTTP_API_ALLOW_ITEM,
                                             "Allowed here: GET, HEAD, PUT, "
                                             "PATCH, DELETE, OPTIONS.");
    }

    return ngx_http_api_send_not_allowed(r, NGX_HTTP_API_ALLOW_COLLECTION,
                                         "Allowed here: GET, HEAD, POST, "
                                         "OPTIONS.");
}


/* GET/HEAD /{c}/{id}: one HMGET, no script. */

static ngx_int_t
ngx_http_api_get(ngx_http_request_t *r, ngx_http_api_op_t *op)
{
    ngx_int_t      rc;
    const char   **argv;
    size_t        *argvlen;

    op->kind = NGX_HTTP_API_OP_GET;

    argv = ngx_palloc(r->pool, 4 * sizeof(char *));
    argvlen = ngx_palloc(r->pool, 4 * sizeof(size_t));
    if (argv == NULL || argvlen == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    argv[0] = "HMGET";
    argvlen[0] = 5;
    argv[1] = (const char *) op->key.data;
    argvlen[1] = op->key.len;
    argv[2] = "d";
    argvlen[2] = 1;
    argv[3] = "r";
    argvlen[3] = 1;

    rc = ngx_http_api_redis_send(r, ngx_http_api_get_reply, op, 4, argv,
                                 argvlen);
    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    return ngx_http_api_send_redis_problem(r, rc);
}


static void
ngx_http_api_get_reply(ngx_http_request_t *r, void *data, redisReply *reply,
    ngx_int_t status)
{
    ngx_http_api_op_t *op = data;

    ngx_int_t    rc;
    ngx_str_t    inm, rev;
    redisReply  *d, *v;

    if (status != NGX_OK) {
        ngx_http_finalize_request(r, ngx_http_api_send_redis_problem(r,
                                                                     status));
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        ngx_http_finalize_request(r,
                                  ngx_http_api_send_reply_problem(r, reply));
        return;
    }

    d = reply->element[0];
    v = reply->element[1];

    if (d->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) {
        rc = ngx_http_api_send_problem(r, NGX_HTTP_NOT_FOUND, "not_found",
                                       "No document with this id.");
        ngx_http_finalize_request(r, rc);
        return;
    }

    rev.data = (u_char *) v->str;
    rev.len = v->len;

    if (r->headers_in.if_none_match) {
        rc = ngx_http_api_doc_etags(r, r->headers_in.if_none_match, 1, &inm);
        if (rc != NGX_OK) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        if (ngx_http_api_etag_listed(&inm, &rev)) {
            /* "*" or a listed tag: the client's copy is current */

            if (ngx_http_api_doc_set_etag(r, rev.data, rev.len) != NGX_OK
                || ngx_http_api_set_header(r, "Cache-Control", "no-cache")
                   != NGX_OK)
            {
                ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
                return;
            }

            ngx_http_finalize_request(r,
                ngx_http_api_send_json(r, NGX_HTTP_NOT_MODIFIED, NULL, 0));
            return;
        }
    }

    rc = ngx_http_api_doc_send(r, op, NGX_HTTP_OK, (u_char *) d->str, d->len,
                               &rev, 0);
    ngx_http_finalize_request(r, rc);
}


