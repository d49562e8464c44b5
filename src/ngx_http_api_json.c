
/*
 * ngx_http_api_module: request body validation and compaction.
 *
 * jansson decides whether a body is valid JSON (syntax with line and
 * column, UTF-8, duplicate keys, number range); our own scanner then
 * writes the compact text that is stored, so nothing the client wrote is
 * reformatted (jansson would print 1.1 as 1.1000000000000001).
 */


#include <jansson.h>

#include "ngx_http_api_json.h"


#define NGX_HTTP_API_DETAIL_LEN  256


static ngx_int_t ngx_http_api_json_compact(ngx_pool_t *pool, u_char *p,
    u_char *end, ngx_uint_t max_depth, ngx_http_api_json_t *out);
static u_char *ngx_http_api_json_string_end(u_char *p, u_char *end);
static u_char *ngx_http_api_json_key(u_char *dst, u_char *p, u_char *end);
static void ngx_http_api_json_utf8(u_char *text);
static ngx_int_t ngx_http_api_json_fail(ngx_pool_t *pool,
    ngx_http_api_json_t *out, const char *code, const char *fmt, ...);
static void ngx_http_api_json_cleanup(void *data);


ngx_int_t
ngx_http_api_json_parse(ngx_pool_t *pool, u_char *data, size_t len,
    ngx_uint_t max_depth, ngx_http_api_json_t *out)
{
    json_t              *root, *id;
    const char          *code;
    json_error_t         err;
    ngx_pool_cleanup_t  *cln;

    ngx_memzero(out, sizeof(ngx_http_api_json_t));

    if (len == 0) {
        return ngx_http_api_json_fail(pool, out, "empty_body",
                                      "The request needs a JSON object.");
    }

    cln = ngx_pool_cleanup_add(pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    root = json_loadb((const char *) data, len,
                      JSON_REJECT_DUPLICATES|JSON_DECODE_ANY,
                      &err);

    if (root == NULL) {
        switch (json_error_code(&err)) {

        case json_error_out_of_memory:
            return NGX_ERROR;

        case json_error_invalid_utf8:
            code = "invalid_utf8";
            break;

        case json_error_duplicate_key:
            code = "duplicate_key";
            break;

        case json_error_numeric_overflow:
            code = "number_out_of_range";
            break;

        case json_error_stack_overflow:
            code = "too_deep";
            break;

        default:
            code = "invalid_json";
        }

        ngx_http_api_json_utf8((u_char *) err.text);

        return ngx_http_api_json_fail(pool, out, code,
                                      "Malformed JSON at line %d, "
                                      "column %d: %s.",
                                      err.line, err.column, err.text);
    }

    /* the tree is malloc'd by jansson: the pool owns it from here */

    cln->handler = ngx_http_api_json_cleanup;
    cln->data = root;

    if (!json_is_object(root)) {
        return ngx_http_api_json_fail(pool, out, "not_an_object",
                                      "The body must be a JSON object.");
    }

    id = json_object_get(root, "id");

    if (id != NULL) {
        if (!json_is_string(id)) {
            return ngx_http_api_json_fail(pool, out, "invalid_id",
                                          "\"id\" must be a string.");
        }

        out->has_id = 1;
        out->id.len = json_string_length(id);
        out->id.data = ngx_pnalloc(pool, out->id.len + 1);
        if (out->id.data == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(out->id.data, json_string_value(id), out->id.len);
    }

    return ngx_http_api_json_compact(pool, data, data + len, max_depth, out);
}


/*
 * The input is valid JSON (jansson said so), which keeps this scanner
 * simple: it drops whitespace, tracks depth, rewrites keys canonically
 * and cuts the top-level "id" member out.  The output is never longer
 * than the input.
 */

static ngx_int_t
ngx_http_api_json_compact(ngx_pool_t *pool, u_char *p, u_char *end,
    ngx_uint_t max_depth, ngx_http_api_json_t *out)
{
    u_char     *buf, *o, *q, *id_mark, *key;
    u_char     *stack;
    ngx_uint_t  depth, expect_key, skipping;

    buf = ngx_pnalloc(pool, end - p);
    stack = ngx_pnalloc(pool, max_depth + 1);

    if (buf == NULL || stack == NULL) {
        return NGX_ERROR;
    }

    o = buf;
    depth = 0;
    expect_key = 0;
    skipping = 0;
    id_mark = NULL;

    while (p < end) {

        switch (*p) {

        case ' ': case '\t': case '\r': case '\n':
            p++;
            continue;

        case '{':
        case '[':
            if (depth == max_depth) {
                return ngx_http_api_json_fail(pool, out, "too_deep",
                           "JSON nesting is deeper than %ui levels.",
                           max_depth);
            }

            stack[depth++] = *p;
            expect_key = (*p == '{');
            *o++ = *p++;
            continue;

        case '}':
        case ']':
            if (skipping && depth == 1) {
                /* "id" was the last member: drop it and its comma */
                o = id_mark;
                if (o[-1] == ',') {
                    o--;
                }
                skipping = 0;
            }

            depth--;
            expect_key = 0;
            *o++ = *p++;
            continue;

        case ',':
            if (skipping && depth == 1) {
                /* drop the "id" member and the comma after it */
                o = id_mark;
                skipping = 0;
                p++;
                expect_key = 1;
                continue;
            }

            expect_key = (stack[depth - 1] == '{');
            *o++ = *p++;
            continue;

        case ':':
            *o++ = *p++;
            continue;

        case '"':
            q = ngx_http_api_json_string_end(p, end);

            if (expect_key) {
                key = o;
                o = ngx_http_api_json_key(o, p, q);

                if (depth == 1 && o - key == 4
                    && ngx_strncmp(key, "\"id\"", 4) == 0)
                {
                    id_mark = key;
                    skipping = 1;
                }

                expect_key = 0;

            } else {
                o = ngx_cpymem(o, p, q - p);
            }

            p = q;
            continue;

        default:
            /* number, true, false, null */
            while (p < end && *p != ',' && *p != '}' && *p != ']'
                   && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            {
                *o++ = *p++;
            }
        }
    }

    out->doc.data = buf;
    out->doc.len = o - buf;

    return NGX_OK;
}


/* p points at the opening quote; returns just past the closing one. */

static u_char *
ngx_http_api_json_string_end(u_char *p, u_char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\') {
            p++;
            continue;
        }

        if (*p == '"') {
            return p + 1;
        }
    }

    return end;
}


/*
 * Writes the key [p, end) (quotes included) in its canonical spelling:
 * escapes decoded, then only '"', '\' and control characters escaped.
 */

static u_char *
ngx_http_api_json_key(u_char *dst, u_char *p, u_char *end)
{
    u_char    c;
    uint32_t  cp, lo;

    static const u_char  hex[] = "0123456789abcdef";

    *dst++ = '"';

    for (p++, end--; p < end; p++) {

        if (*p != '\\') {
            if (*p == '"') {
                *dst++ = '\\';
            }
            *dst++ = *p;
            continue;
        }

        c = *++p;

        switch (c) {
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;

        case 'u':
            cp = ngx_hextoi(p + 1, 4);
            p += 4;

            if (cp >= 0xd800 && cp <= 0xdbff && p + 6 < end && p[1] == '\\'
                && p[2] == 'u')
            {
                lo = ngx_hextoi(p + 3, 4);
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            }

            break;

        default:
            /* '"', '\\', '/' */
            cp = c;
        }

        if (cp == '"' || cp == '\\') {
            *dst++ = '\\';
            *dst++ = (u_char) cp;

        } else if (cp < 0x20 && ngx_strchr("\b\f\n\r\t", cp) != NULL
                   && cp != 0)
        {
            /* the two-character escapes: never longer than the input */
            *dst++ = '\\';
            *dst++ = (cp == '\b') ? 'b' : (cp == '\f') ? 'f'
                     : (cp == '\n') ? 'n' : (cp == '\r') ? 'r' : 't';

        } else if (cp < 0x20) {
            *dst++ = '\\';
            *dst++ = 'u';
            *dst++ = '0';
            *dst++ = '0';
            *dst++ = hex[cp >> 4];
            *dst++ = hex[cp & 0xf];

        } else if (cp < 0x80) {
            *dst++ = (u_char) cp;

        } else if (cp < 0x800) {
            *dst++ = (u_char) (0xc0 | (cp >> 6));
            *dst++ = (u_char) (0x80 | (cp & 0x3f));

        } else if (cp < 0x10000) {
            *dst++ = (u_char) (0xe0 | (cp >> 12));
            *dst++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
            *dst++ = (u_char) (0x80 | (cp & 0x3f));

        } else {
            *dst++ = (u_char) (0xf0 | (cp >> 18));
            *dst++ = (u_char) (0x80 | ((cp >> 12) & 0x3f));
            *dst++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
            *dst++ = (u_char) (0x80 | (cp & 0x3f));
        }
    }

    *dst++ = '"';

    return dst;
}


/*
 * jansson quotes the input near an error and may cut a UTF-8 sequence
 * there ("invalid escape near '"\\<0xc3>'"): drop the bytes of any
 * sequence that is not whole, so that the problem body stays UTF-8.
 * Whole sequences are valid: jansson checked them as it read them.
 */

static void
ngx_http_api_json_utf8(u_char *text)
{
    u_char  *p, *o;
    size_t   i, n;

    p = text;
    o = text;

    while (*p) {
        if (*p < 0x80) {
            n = 1;

        } else if (*p >= 0xc2 && *p < 0xe0) {
            n = 2;

        } else if (*p >= 0xe0 && *p < 0xf0) {
            n = 3;

        } else if (*p >= 0xf0 && *p < 0xf5) {
            n = 4;

        } else {
            p++;
            continue;
        }

        for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++) {
            /* void */
        }

        if (i < n) {
            p += i;
            continue;
        }

        while (n--) {
            *o++ = *p++;
        }
    }

    *o = '\0';
}


static ngx_int_t
ngx_http_api_json_fail(ngx_pool_t *pool, ngx_http_api_json_t *out,
    const char *code, const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    out->code = code;

    out->detail = ngx_pnalloc(pool, NGX_HTTP_API_DETAIL_LEN);
    if (out->detail == NULL) {
        return NGX_ERROR;
    }

    va_start(args, fmt);
    p = ngx_vslprintf(out->detail, out->detail + NGX_HTTP_API_DETAIL_LEN - 1,
                      fmt, args);
    va_end(args);

    *p = '\0';

    return NGX_DECLINED;
}


static void
ngx_http_api_json_cleanup(void *data)
{
    json_decref(data);
}
