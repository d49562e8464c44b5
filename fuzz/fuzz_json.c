
/*
 * fuzz_json: ngx_http_api_json_parse(), the body of every POST, PUT and
 * PATCH: JSON validation, the depth bound, and the compaction whose
 * output Redis stores and merge.lua patches.
 *
 * Input: one byte of api_max_depth (1 to 64), then the body.
 *
 * Checks that the verdict is jansson's (with the same flags) plus the
 * object, "id" and depth rules, that a refusal's problem body is valid
 * JSON, and on success what merge.lua relies on (src/lua/merge.lua, its
 * first lines): the output is valid compact JSON, no longer than the
 * input, equal to the input less "id" as jansson sees them, with the
 * client's member order, every key in its canonical spelling, and that
 * compacting it again changes nothing.
 */


#include <jansson.h>

#include "ngx_fuzz.h"
#include "ngx_http_api_json.h"
#include "ngx_http_api_problem.h"


#define NGX_FUZZ_FLAGS  (JSON_REJECT_DUPLICATES|JSON_DECODE_ANY)


static ngx_uint_t ngx_fuzz_depth(json_t *json);
static void ngx_fuzz_declined(ngx_http_api_json_t *out);
static void ngx_fuzz_compact(u_char *p, size_t len);
static void ngx_fuzz_keys(ngx_pool_t *pool, u_char *p, size_t len);
static void ngx_fuzz_order(json_t *in, json_t *out);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char               *body;
    size_t                len;
    json_t               *root, *id, *doc, *expect;
    ngx_int_t             rc;
    ngx_uint_t            max_depth;
    ngx_pool_t           *pool;
    json_error_t          err;
    ngx_http_api_json_t   out, again;

    if (size < 1) {
        return 0;
    }

    pool = ngx_fuzz_pool();

    max_depth = 1 + data[0] % 64;

    len = size - 1;
    body = ngx_pnalloc(pool, len);
    ngx_fuzz_check(body != NULL || len == 0);
    if (len) {
        ngx_memcpy(body, data + 1, len);
    }

    rc = ngx_http_api_json_parse(pool, body, len, max_depth, &out);

    ngx_fuzz_check(rc == NGX_OK || rc == NGX_DECLINED);

    /* the model: jansson's verdict, then the module's own rules */

    root = (len == 0) ? NULL
                      : json_loadb((const char *) data + 1, len,
                                   NGX_FUZZ_FLAGS, &err);

    if (rc == NGX_DECLINED) {
        ngx_fuzz_declined(&out);
    }

    if (len == 0) {
        ngx_fuzz_check(rc == NGX_DECLINED);
        ngx_fuzz_check(ngx_strcmp(out.code, "empty_body") == 0);
        goto done;
    }

    if (root == NULL) {
        ngx_fuzz_check(rc == NGX_DECLINED);
        goto done;
    }

    if (!json_is_object(root)) {
        ngx_fuzz_check(rc == NGX_DECLINED);
        ngx_fuzz_check(ngx_strcmp(out.code, "not_an_object") == 0);
        goto done;
    }

    id = json_object_get(root, "id");

    if (id != NULL && !json_is_string(id)) {
        ngx_fuzz_check(rc == NGX_DECLINED);
        ngx_fuzz_check(ngx_strcmp(out.code, "invalid_id") == 0);
        goto done;
    }

    if (ngx_fuzz_depth(root) > max_depth) {
        ngx_fuzz_check(rc == NGX_DECLINED);
        ngx_fuzz_check(ngx_strcmp(out.code, "too_deep") == 0);
        goto done;
    }

    ngx_fuzz_check(rc == NGX_OK);

    /* "id" lifted out */

    ngx_fuzz_check(out.has_id == (id != NULL));

    if (id != NULL) {
        ngx_fuzz_check(out.id.len == json_string_length(id));
        ngx_fuzz_check(memcmp(out.id.data, json_string_value(id), out.id.len)
                       == 0);
    }

    /* compact, never longer, and the same document less "id" */

    ngx_fuzz_check(out.doc.len <= len);
    ngx_fuzz_compact(out.doc.data, out.doc.len);

    doc = json_loadb((const char *) out.doc.data, out.doc.len,
                     NGX_FUZZ_FLAGS, &err);
    if (doc == NULL) {
        fprintf(stderr, "compacted text does not parse: %s\n%.*s\n",
                err.text, (int) out.doc.len, out.doc.data);
    }
    ngx_fuzz_check(doc != NULL);
    ngx_fuzz_check(json_is_object(doc));
    ngx_fuzz_check(json_object_get(doc, "id") == NULL);

    expect = json_deep_copy(root);
    ngx_fuzz_check(expect != NULL);
    (void) json_object_del(expect, "id");
    ngx_fuzz_check(json_equal(doc, expect));
    json_decref(expect);

    ngx_fuzz_order(root, doc);
    json_decref(doc);

    /* keys in the one spelling merge.lua compares byte by byte */

    ngx_fuzz_keys(pool, out.doc.data, out.doc.len);

    /* a fixed point: compacting the output again changes nothing */

    rc = ngx_http_api_json_parse(pool, out.doc.data, out.doc.len, max_depth,
                                 &again);
    ngx_fuzz_check(rc == NGX_OK);
    ngx_fuzz_check(!again.has_id);
    ngx_fuzz_check(again.doc.len == out.doc.len);
    ngx_fuzz_check(memcmp(again.doc.data, out.doc.data, out.doc.len) == 0);

done:

    if (root != NULL) {
        json_decref(root);
    }

    ngx_destroy_pool(pool);

    return 0;
}


/* the object or array levels: {} is 1, {"a":[]} is 2 */

static ngx_uint_t
ngx_fuzz_depth(json_t *json)
{
    size_t       i;
    json_t      *v;
    ngx_uint_t   d, max;
    const char  *k;

    max = 0;

    if (json_is_object(json)) {
        json_object_foreach(json, k, v) {
            d = ngx_fuzz_depth(v);
            max = ngx_max(max, d);
        }

        return max + 1;
    }

    if (json_is_array(json)) {
        json_array_foreach(json, i, v) {
            d = ngx_fuzz_depth(v);
            max = ngx_max(max, d);
        }

        return max + 1;
    }

    return 0;
}


/* a refusal: a code, a detail, and a problem body that is valid JSON */

static void
ngx_fuzz_declined(ngx_http_api_json_t *out)
{
    u_char        *buf, *end;
    size_t         size;
    json_t        *problem, *v;
    ngx_str_t      request_id;
    json_error_t   err;

    ngx_fuzz_check(out->code != NULL && out->detail != NULL);
    ngx_fuzz_check(ngx_strlen(out->detail) < 256);

    ngx_str_set(&request_id, "0123456789abcdef0123456789abcdef");

    size = ngx_http_api_problem_size(NGX_HTTP_BAD_REQUEST, out->code,
                                     (char *) out->detail, &request_id);
    buf = malloc(size);
    ngx_fuzz_check(buf != NULL);

    end = ngx_http_api_problem_write(buf, NGX_HTTP_BAD_REQUEST, out->code,
                                     (char *) out->detail, &request_id);
    ngx_fuzz_check((size_t) (end - buf) <= size);

    problem = json_loadb((const char *) buf, end - buf, 0, &err);
    if (problem == NULL) {
        fprintf(stderr, "problem body is not JSON: %s\n%.*s\n", err.text,
                (int) (end - buf), buf);
    }
    ngx_fuzz_check(problem != NULL);

    v = json_object_get(problem, "detail");
    ngx_fuzz_check(json_is_string(v));
    ngx_fuzz_check(ngx_strcmp(json_string_value(v), out->detail) == 0);

    json_decref(problem);
    free(buf);
}


/* no whitespace outside strings */

static void
ngx_fuzz_compact(u_char *p, size_t len)
{
    u_char      *end;
    ngx_uint_t   in_string;

    in_string = 0;

    for (end = p + len; p < end; p++) {
        if (in_string) {
            if (*p == '\\') {
                p++;

            } else if (*p == '"') {
                in_string = 0;
            }

            continue;
        }

        ngx_fuzz_check(*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n');

        if (*p == '"') {
            in_string = 1;
        }
    }
}


/*
 * Every key (a string right before ':' in compact text) is spelt as its
 * value encodes canonically: UTF-8 as is, only '"' and '\' escaped with
 * a backslash, \b \f \n \r \t, other controls as \u00xx (lower case).
 */

static void
ngx_fuzz_keys(ngx_pool_t *pool, u_char *p, size_t len)
{
    u_char        *end, *q, *o, *canon;
    size_t         i, n;
    json_t        *key;
    const char    *s;
    json_error_t   err;

    static const char  hex[] = "0123456789abcdef";

    for (end = p + len; p < end; p = q) {
        if (*p != '"') {
            q = p + 1;
            continue;
        }

        for (q = p + 1; *q != '"'; q++) {
            if (*q == '\\') {
                q++;
            }
        }

        q++;

        if (q == end || *q != ':') {
            continue;
        }

        key = json_loadb((const char *) p, q - p, JSON_DECODE_ANY, &err);
        ngx_fuzz_check(key != NULL && json_is_string(key));

        s = json_string_value(key);
        n = json_string_length(key);

        canon = ngx_pnalloc(pool, 6 * n + 2);
        ngx_fuzz_check(canon != NULL);

        o = canon;
        *o++ = '"';

        for (i = 0; i < n; i++) {
            switch ((u_char) s[i]) {
            case '"':  *o++ = '\\'; *o++ = '"'; break;
            case '\\': *o++ = '\\'; *o++ = '\\'; break;
            case '\b': *o++ = '\\'; *o++ = 'b'; break;
            case '\f': *o++ = '\\'; *o++ = 'f'; break;
            case '\n': *o++ = '\\'; *o++ = 'n'; break;
            case '\r': *o++ = '\\'; *o++ = 'r'; break;
            case '\t': *o++ = '\\'; *o++ = 't'; break;

            default:
                if ((u_char) s[i] < 0x20) {
                    o = ngx_cpymem(o, "\\u00", 4);
                    *o++ = hex[(u_char) s[i] >> 4];
                    *o++ = hex[(u_char) s[i] & 0xf];

                } else {
                    *o++ = s[i];
                }
            }
        }

        *o++ = '"';

        if ((size_t) (o - canon) != (size_t) (q - p)
            || memcmp(canon, p, q - p) != 0)
        {
            fprintf(stderr, "key not canonical: %.*s, expected %.*s\n",
                    (int) (q - p), p, (int) (o - canon), canon);
        }

        ngx_fuzz_check((size_t) (o - canon) == (size_t) (q - p));
        ngx_fuzz_check(memcmp(canon, p, q - p) == 0);

        json_decref(key);
    }
}


/* members stay in the client's order, all the way down */

static void
ngx_fuzz_order(json_t *in, json_t *out)
{
    size_t   i;
    void    *a, *b;

    if (json_is_array(in)) {
        for (i = 0; i < json_array_size(in); i++) {
            ngx_fuzz_order(json_array_get(in, i), json_array_get(out, i));
        }

        return;
    }

    if (!json_is_object(in)) {
        return;
    }

    a = json_object_iter(in);
    b = json_object_iter(out);

    while (a != NULL) {
        if (ngx_strcmp(json_object_iter_key(a), "id") == 0
            && json_object_get(out, "id") == NULL)
        {
            a = json_object_iter_next(in, a);
            continue;
        }

        ngx_fuzz_check(b != NULL);
        ngx_fuzz_check(ngx_strcmp(json_object_iter_key(a),
                                  json_object_iter_key(b))
                       == 0);

        ngx_fuzz_order(json_object_iter_value(a), json_object_iter_value(b));

        a = json_object_iter_next(in, a);
        b = json_object_iter_next(out, b);
    }

    ngx_fuzz_check(b == NULL);
}
