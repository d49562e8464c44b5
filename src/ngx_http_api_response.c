
/*
 * ngx_http_api_module: JSON responses and RFC 9457 problem details.
 */


#include "ngx_http_api_response.h"
#include "ngx_http_api_ctx.h"
#include "ngx_http_api_problem.h"


static ngx_str_t  ngx_http_api_json_type =
    ngx_string("application/json");
static ngx_str_t  ngx_http_api_problem_type =
    ngx_string("application/problem+json");


static ngx_int_t ngx_http_api_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, u_char *body, size_t len);


ngx_int_t
ngx_http_api_send_json(ngx_http_request_t *r, ngx_uint_t status, u_char *body,
    size_t len)
{
    if (body == NULL) {
        return ngx_http_api_send(r, status, NULL, NULL, 0);
    }

    return ngx_http_api_send(r, status, &ngx_http_api_json_type, body, len);
}


/* The body is ngx_http_api_problem_write()'s. */

ngx_int_t
ngx_http_api_send_problem(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *detail)
{
    u_char                     *body, *p;
    ngx_str_t                   id;
    ngx_http_api_ctx_t         *ctx;
    ngx_http_variable_value_t  *vv;
    ngx_http_api_main_conf_t   *amcf;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    /* $api_error_code; codes are literals */
    ctx = ngx_http_api_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->error_code.data = (u_char *) code;
    ctx->error_code.len = ngx_strlen(code);

    /*
     * A problem is the final answer: a body not read yet is discarded,
     * and an "Expect: 100-continue" client is not asked to send it.
     */

    if (ngx_http_api_discard_body(r) != NGX_OK) {
        /* the rest of a bad body must not be read as the next request */
        r->keepalive = 0;
    }

    ngx_str_null(&id);

    vv = ngx_http_get_indexed_variable(r, amcf->request_id_index);
    if (vv != NULL && !vv->not_found) {
        id.data = vv->data;
        id.len = vv->len;
    }

    body = ngx_pnalloc(r->pool,
                       ngx_http_api_problem_size(status, code, detail, &id));
    if (body == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_http_api_problem_write(body, status, code, detail, &id);

    if (status == NGX_HTTP_SERVICE_UNAVAILABLE
        && ngx_http_api_set_header(r, "Retry-After", "1") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_api_set_header(r, "Cache-Control", "no-store") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "api: %ui %s: %s", status, code, detail);

    return ngx_http_api_send(r, status, &ngx_http_api_problem_type, body,
                             p - body);
}


/*
 * For a request whose body the module will not use: drop whatever the
 * client sends, without inviting an "Expect: 100-continue" client to send
 * it.  Returns what ngx_http_discard_request_body() returns.
 */

ngx_int_t
ngx_http_api_discard_body(ngx_http_request_t *r)
{
    r->expect_tested = 1;

    return ngx_http_discard_request_body(r);
}


/* init_main_conf: problem bodies carry $request_id. */

ngx_int_t
ngx_http_api_response_init(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf)
{
    ngx_str_t  request_id = ngx_string("request_id");

    amcf->request_id_index = ngx_http_get_variable_index(cf, &request_id);

    return (amcf->request_id_index == NGX_ERROR) ? NGX_ERROR : NGX_OK;
}


/* OPTIONS: 204 with Allow, the body discarded. */

ngx_int_t
ngx_http_api_send_options(ngx_http_request_t *r, const char *allow)
{
    ngx_int_t  rc;

    rc = ngx_http_api_discard_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_api_set_header(r, "Allow", allow) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_send_json(r, NGX_HTTP_NO_CONTENT, NULL, 0);
}


/* 405 with Allow, as problem+json. */

ngx_int_t
ngx_http_api_send_not_allowed(ngx_http_request_t *r, const char *allow,
    const char *detail)
{
    if (ngx_http_api_set_header(r, "Allow", allow) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_send_problem(r, NGX_HTTP_NOT_ALLOWED,
                                     NGX_HTTP_API_E_METHOD, detail);
}


/*
 * For endpoints that only read: GET and HEAD go on (NGX_OK, the body
 * discarded); anything else gets a 405 problem.  Otherwise *rc is what
 * the content handler returns.
 */

ngx_int_t
ngx_http_api_read_only(ngx_http_request_t *r, ngx_int_t *rc)
{
    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        *rc = ngx_http_api_send_not_allowed(r, "GET, HEAD",
                                            "Use GET or HEAD.");
        return NGX_DECLINED;
    }

    *rc = ngx_http_api_discard_body(r);

    return (*rc == NGX_OK) ? NGX_OK : NGX_DECLINED;
}


ngx_int_t
ngx_http_api_send_redis_problem(ngx_http_request_t *r, ngx_int_t status)
{
    switch (status) {

    case NGX_HTTP_SERVICE_UNAVAILABLE:
        return ngx_http_api_send_problem(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                   NGX_HTTP_API_E_REDIS_DOWN,
                   "No connection to Redis is available; retry shortly.");

    case NGX_HTTP_GATEWAY_TIME_OUT:
        return ngx_http_api_send_problem(r, NGX_HTTP_GATEWAY_TIME_OUT,
                   NGX_HTTP_API_E_REDIS_TIMEOUT,
                   "Redis did not answer in time.");

    default:
        return ngx_http_api_send_problem(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                   NGX_HTTP_API_E_INTERNAL,
                   "The request could not be processed.");
    }
}


ngx_int_t
ngx_http_api_set_header(ngx_http_request_t *r, const char *name,
    const char *value)
{
    return ngx_http_api_add_header(r, name, (u_char *) value,
                                   ngx_strlen(value));
}


ngx_int_t
ngx_http_api_add_header(ngx_http_request_t *r, const char *name,
    u_char *value, size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) name;
    h->key.len = ngx_strlen(name);
    h->value.data = value;
    h->value.len = len;
    h->lowcase_key = NULL;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_send(ngx_http_request_t *r, ngx_uint_t status, ngx_str_t *type,
    u_char *body, size_t len)
{
    ngx_buf_t    *b;
    ngx_chain_t   out;

    if (len == 0) {
        return ngx_http_api_send_chain(r, status, type, NULL, 0);
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = body;
    b->last = body + len;
    b->memory = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_api_send_chain(r, status, type, &out, len);
}


ngx_int_t
ngx_http_api_send_chain(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_chain_t *out, size_t len)
{
    ngx_int_t     rc;
    ngx_chain_t  *cl;

    /*
     * Preconditions are the module's business: nginx's not_modified
     * filter would test If-Match against the new ETag of a write.
     */
    r->disable_not_modified = 1;

    r->headers_out.status = status;

    if (type != NULL) {
        r->headers_out.content_type = *type;
        r->headers_out.content_type_len = type->len;
        r->headers_out.content_type_lowcase = NULL;
    }

    r->headers_out.content_length_n = len;

    if (len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    for (cl = out; cl->next != NULL; cl = cl->next) { /* void */ }

    cl->buf->last_buf = (r == r->main) ? 1 : 0;
    cl->buf->last_in_chain = 1;

    return ngx_http_output_filter(r, out);
}


ngx_int_t
ngx_http_api_send_reply_problem(ngx_http_request_t *r, redisReply *reply)
{
    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "api: Redis error: %*s", (size_t) reply->len,
                      reply->str);

        return ngx_http_api_send_problem(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         NGX_HTTP_API_E_REDIS_ERROR,
                                         "Redis could not run the command.");
    }

    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                  "api: unexpected Redis reply of type %d", reply->type);

    return ngx_http_api_send_problem(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                     NGX_HTTP_API_E_INTERNAL,
                                     "Unexpected answer from Redis.");
}

