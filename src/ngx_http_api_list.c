
/*
 * ngx_http_api_module: listing a collection (GET /{c}?limit=&cursor=),
 * in id order with stable cursors.
 */


#include "ngx_http_api_list.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_response.h"
#include "ngx_http_api_store.h"


static void ngx_http_api_list_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);


/* GET/HEAD /{c}?limit=&cursor=: one EVALSHA of the list script. */

ngx_int_t
ngx_http_api_list(ngx_http_request_t *r, ngx_http_api_op_t *op)
{
    u_char       *p;
    ngx_int_t     rc;
    ngx_str_t     value, text, cursor, start, prefix;
    const char  **argv;
    size_t       *argvlen;

    op->kind = NGX_HTTP_API_OP_LIST;
    op->limit = op->alcf->limit_default;

    rc = NGX_OK;

    if (ngx_http_arg(r, (u_char *) "limit", 5, &value) == NGX_OK) {
        rc = ngx_http_api_parse_arg(r->pool, &value, &text);

        if (rc == NGX_OK) {
            rc = ngx_http_api_parse_limit(&text, op->alcf->limit_max,
                                          &op->limit);
        }
    }

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != NGX_OK) {
        p = ngx_pnalloc(r->pool, 64);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        *ngx_snprintf(p, 63, "\"limit\" must be an integer from 1 to %ui.",
                      op->alcf->limit_max) = '\0';

        return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                                         "invalid_limit", (char *) p);
    }

    ngx_str_set(&start, "-");

    if (ngx_http_arg(r, (u_char *) "cursor", 6, &value) == NGX_OK) {

        rc = ngx_http_api_parse_arg(r->pool, &value, &text);

        if (rc == NGX_OK) {
            rc = ngx_http_api_parse_cursor(r->pool, &text, &cursor);
        }

        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc == NGX_DECLINED) {
            return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                       "invalid_cursor",
                       "\"cursor\" must be a next_cursor value this API "
                       "returned.");
        }

        start.len = cursor.len + 1;
        start.data = ngx_pnalloc(r->pool, start.len);
        if (start.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        start.data[0] = '(';
        ngx_memcpy(start.data + 1, cursor.data, cursor.len);
    }

    /* the documents' key prefix: the index key "<prefix>{<c>}" and ":" */

    prefix.len = op->index.len + 1;
    prefix.data = ngx_pnalloc(r->pool, prefix.len);
    if (prefix.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(prefix.data, op->index.data, op->index.len);
    prefix.data[op->index.len] = ':';

    argv = ngx_palloc(r->pool, 5 * sizeof(char *));
    argvlen = ngx_palloc(r->pool, 5 * sizeof(size_t));
    p = ngx_pnalloc(r->pool, 2 * NGX_INT_T_LEN);
    if (argv == NULL || argvlen == NULL || p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    argv[0] = (const char *) op->index.data;
    argvlen[0] = op->index.len;
    argv[1] = (const char *) prefix.data;
    argvlen[1] = prefix.len;
    argv[2] = (const char *) start.data;
    argvlen[2] = start.len;
    argv[3] = (const char *) p;
    argvlen[3] = ngx_sprintf(p, "%ui", op->limit) - p;
    p += argvlen[3];
    argv[4] = (const char *) p;
    argvlen[4] = ngx_sprintf(p, "%uz", op->alcf->list_max_size) - p;

    rc = ngx_http_api_redis_eval(r, ngx_http_api_list_reply, op,
                                 op->amcf->store[NGX_HTTP_API_SCRIPT_LIST],
                                 1, 5, argv, argvlen);
    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    return ngx_http_api_send_redis_problem(r, rc);
}


static void
ngx_http_api_list_reply(ngx_http_request_t *r, void *data, redisReply *reply,
    ngx_int_t status)
{
    ngx_http_api_op_t *op = data;

    u_char      *body, *p, *link;
    size_t       len, i, n, clen;
    ngx_str_t    src, dst;
    redisReply  *last, *id, *d;

    if (status != NGX_OK) {
        ngx_http_finalize_request(r, ngx_http_api_send_redis_problem(r,
                                                                     status));
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements % 2 != 1) {
        ngx_http_finalize_request(r,
                                  ngx_http_api_send_reply_problem(r, reply));
        return;
    }

    n = reply->elements / 2;
    last = reply->element[reply->elements - 1];
    clen = (last->type == REDIS_REPLY_STRING) ? last->len : 0;

    len = sizeof("{\"items\":[],\"next_cursor\":null}")
          + ngx_base64_encoded_length(clen) + 2;

    for (i = 0; i < n; i++) {
        len += reply->element[2 * i]->len + reply->element[2 * i + 1]->len
               + sizeof("{\"id\":\"\",},") - 1;
    }

    body = ngx_pnalloc(r->pool, len);
    if (body == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    p = ngx_cpymem(body, "{\"items\":[", sizeof("{\"items\":[") - 1);

    for (i = 0; i < n; i++) {
        id = reply->element[2 * i];
        d = reply->element[2 * i + 1];

        if (i) {
            *p++ = ',';
        }

        p = ngx_sprintf(p, "{\"id\":\"%*s\"", id->len, id->str);

        if (d->len > 2) {
            *p++ = ',';
            p = ngx_cpymem(p, d->str + 1, d->len - 1);

        } else {
            *p++ = '}';
        }
    }

    p = ngx_cpymem(p, "],\"next_cursor\":", sizeof("],\"next_cursor\":") - 1);

    if (clen) {
        src.data = (u_char *) last->str;
        src.len = clen;

        *p++ = '"';
        dst.data = p;
        ngx_encode_base64url(&dst, &src);
        p += dst.len;
        *p++ = '"';

        /* Link: <{base}{c}?limit=N&cursor=X>; rel="next" */

        len = op->alcf->base.len + op->collection.len + dst.len
              + sizeof("<?limit=&cursor=>; rel=\"next\"") + NGX_INT_T_LEN;

        link = ngx_pnalloc(r->pool, len);
        if (link == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        len = ngx_sprintf(link, "<%V%V?limit=%ui&cursor=%V>; rel=\"next\"",
                          &op->alcf->base, &op->collection, op->limit,
                          &dst)
              - link;

        if (ngx_http_api_add_header(r, "Link", link, len) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

    } else {
        p = ngx_cpymem(p, "null", 4);
    }

    *p++ = '}';

    if (ngx_http_api_set_header(r, "Cache-Control", "no-cache") != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_finalize_request(r, ngx_http_api_send_json(r, NGX_HTTP_OK, body,
                                                        p - body));
}
