
/*
 * fuzz_cursor: the list arguments, "limit" and "cursor", from the query
 * string on (ngx_http_arg(), ngx_http_api_parse_arg(),
 * ngx_http_api_parse_limit(), ngx_http_api_parse_cursor()), as
 * ngx_http_api_list() calls them.
 *
 * Input: two bytes of api_list_limit_max (1 to 100000), then the query
 * string.  Checks the percent-decoding against a model, limit against a
 * decimal model, that a cursor decodes only to a valid id and is exactly
 * the text the API makes of it, and that every next_cursor the API hands
 * out (the base64url of a valid id, as ngx_http_api_list_reply() writes
 * it, raw or percent-encoded) reads back as that id.
 */


#include "ngx_fuzz.h"
#include "ngx_http_api_id.h"
#include "ngx_http_api_parse.h"


static ngx_int_t ngx_fuzz_arg(ngx_pool_t *pool, ngx_str_t *value,
    ngx_str_t *text);
static void ngx_fuzz_limit(ngx_str_t *value, ngx_uint_t max);
static void ngx_fuzz_cursor(ngx_pool_t *pool, ngx_str_t *value);
static void ngx_fuzz_next_cursor(ngx_pool_t *pool, u_char *id, size_t len);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_str_t            value, text;
    ngx_uint_t           max;
    ngx_pool_t          *pool;
    ngx_http_request_t   r;

    if (size < 2) {
        return 0;
    }

    pool = ngx_fuzz_pool();

    max = 1 + ((ngx_uint_t) (data[0] << 8 | data[1]) * 100000 / 65536);

    /* ngx_http_arg() reads r->args only */

    ngx_memzero(&r, sizeof(ngx_http_request_t));

    r.args.len = size - 2;
    r.args.data = ngx_pnalloc(pool, r.args.len);
    ngx_fuzz_check(r.args.data != NULL || r.args.len == 0);
    if (r.args.len) {
        ngx_memcpy(r.args.data, data + 2, r.args.len);
    }

    if (ngx_http_arg(&r, (u_char *) "limit", 5, &value) == NGX_OK
        && ngx_fuzz_arg(pool, &value, &text) == NGX_OK)
    {
        ngx_fuzz_limit(&text, max);
    }

    if (ngx_http_arg(&r, (u_char *) "cursor", 6, &value) == NGX_OK
        && ngx_fuzz_arg(pool, &value, &text) == NGX_OK)
    {
        ngx_fuzz_cursor(pool, &text);
    }

    /* the whole input as an id, and as the cursor the API makes of it */

    ngx_fuzz_next_cursor(pool, r.args.data, r.args.len);

    ngx_destroy_pool(pool);

    return 0;
}


/*
 * ngx_http_api_parse_arg() against a model: "%" and two hex digits is
 * that byte, any other "%" refuses the value, every other byte stays.
 */

static ngx_int_t
ngx_fuzz_arg(ngx_pool_t *pool, ngx_str_t *value, ngx_str_t *text)
{
    size_t      i, n;
    u_char      want[1024];
    ngx_int_t   rc, c, ok;

    ok = NGX_OK;
    n = 0;

    for (i = 0; i < value->len && n < sizeof(want); i++) {
        if (value->data[i] != '%') {
            want[n++] = value->data[i];
            continue;
        }

        c = (i + 2 < value->len) ? ngx_hextoi(value->data + i + 1, 2)
                                 : NGX_ERROR;
        if (c == NGX_ERROR) {
            ok = NGX_DECLINED;
            break;
        }

        want[n++] = (u_char) c;
        i += 2;
    }

    rc = ngx_http_api_parse_arg(pool, value, text);

    ngx_fuzz_check(rc == ok);

    if (rc == NGX_OK && i == value->len) {
        ngx_fuzz_check(text->len == n);
        ngx_fuzz_check(n == 0 || memcmp(text->data, want, n) == 0);
    }

    return rc;
}


/* 1 to max, in ASCII decimal, leading zeros allowed, nothing else */

static void
ngx_fuzz_limit(ngx_str_t *value, ngx_uint_t max)
{
    size_t      i;
    uint64_t    n;
    ngx_int_t   rc;
    ngx_uint_t  limit, ok;

    ok = (value->len > 0);
    n = 0;

    for (i = 0; i < value->len; i++) {
        if (value->data[i] < '0' || value->data[i] > '9') {
            ok = 0;
            break;
        }

        n = n * 10 + (value->data[i] - '0');

        if (n > max) {
            ok = 0;
            /* keep checking the digits: only a non-digit changes nothing */
            n = max + 1;
        }
    }

    if (n < 1) {
        ok = 0;
    }

    limit = 12345;

    rc = ngx_http_api_parse_limit(value, max, &limit);

    if (ok) {
        ngx_fuzz_check(rc == NGX_OK);
        ngx_fuzz_check(limit == n);

    } else {
        ngx_fuzz_check(rc == NGX_DECLINED);
        ngx_fuzz_check(limit == 12345);
    }
}


static void
ngx_fuzz_cursor(ngx_pool_t *pool, ngx_str_t *value)
{
    ngx_int_t   rc;
    ngx_str_t   id, text, again;

    rc = ngx_http_api_parse_cursor(pool, value, &id);

    ngx_fuzz_check(rc == NGX_OK || rc == NGX_DECLINED);

    if (rc != NGX_OK) {
        return;
    }

    ngx_fuzz_check(ngx_http_api_id_valid(id.data, id.len));
    ngx_fuzz_check(id.len <= ngx_base64_decoded_length(value->len));

    /* encoding the id again gives a cursor that reads back the same */

    text.data = ngx_pnalloc(pool, ngx_base64_encoded_length(id.len));
    ngx_fuzz_check(text.data != NULL);
    ngx_encode_base64url(&text, &id);

    rc = ngx_http_api_parse_cursor(pool, &text, &again);
    ngx_fuzz_check(rc == NGX_OK);
    ngx_fuzz_check(again.len == id.len);
    ngx_fuzz_check(memcmp(again.data, id.data, id.len) == 0);

    /* the API's own text of the id is the only cursor for it */

    ngx_fuzz_check(text.len == value->len);
    ngx_fuzz_check(memcmp(text.data, value->data, text.len) == 0);
}


static void
ngx_fuzz_next_cursor(ngx_pool_t *pool, u_char *data, size_t len)
{
    ngx_int_t   rc;
    ngx_str_t   src, dst, esc, text, id;

    if (!ngx_http_api_id_valid(data, len)) {
        return;
    }

    src.data = data;
    src.len = len;

    dst.data = ngx_pnalloc(pool, ngx_base64_encoded_length(len));
    ngx_fuzz_check(dst.data != NULL);
    ngx_encode_base64url(&dst, &src);

    rc = ngx_http_api_parse_cursor(pool, &dst, &id);
    ngx_fuzz_check(rc == NGX_OK);
    ngx_fuzz_check(id.len == len && memcmp(id.data, data, len) == 0);

    /* a client may percent-encode every byte of it */

    esc.len = 3 * dst.len;
    esc.data = ngx_pnalloc(pool, esc.len);
    ngx_fuzz_check(esc.data != NULL);

    for (src.len = 0; src.len < dst.len; src.len++) {
        (void) ngx_sprintf(esc.data + 3 * src.len, "%%%02xd",
                           dst.data[src.len]);
    }

    ngx_fuzz_check(ngx_fuzz_arg(pool, &esc, &text) == NGX_OK);

    rc = ngx_http_api_parse_cursor(pool, &text, &id);
    ngx_fuzz_check(rc == NGX_OK);
    ngx_fuzz_check(id.len == len && memcmp(id.data, data, len) == 0);
}
