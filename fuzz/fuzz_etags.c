
/*
 * fuzz_etags: ngx_http_api_parse_etags() and ngx_http_api_etag_listed().
 *
 * Input: one flags byte (bit 0: weak comparison, as for If-None-Match;
 * bit 1: no header at all), then the header value.
 *
 * Checks the list's shape (what the store scripts expect: "", "*" or
 * ",tag,...,tag,"), that for a well-formed entity-tag list (RFC 9110,
 * 8.8.3) it names exactly the tags that may match, and that the C check
 * (GET's 304) and the Lua check (string.find of ",rev," in the write
 * scripts) agree on every revision.
 */


#include "ngx_fuzz.h"
#include "ngx_http_api_parse.h"


#define NGX_FUZZ_TAGS_MAX  64


typedef struct {
    ngx_str_t    tag[NGX_FUZZ_TAGS_MAX];
    ngx_uint_t   weak[NGX_FUZZ_TAGS_MAX];
    ngx_uint_t   n;
} ngx_fuzz_tags_t;


static ngx_uint_t ngx_fuzz_parse_model(u_char *p, u_char *end,
    ngx_fuzz_tags_t *tags);
static ngx_uint_t ngx_fuzz_lua_listed(ngx_str_t *list, ngx_str_t *rev);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char           *p, *end, *comma;
    ngx_str_t         value, list, rev, *v;
    ngx_uint_t        weak, i, k, wellformed, nul;
    ngx_pool_t       *pool;
    ngx_fuzz_tags_t   tags;

    if (size < 1) {
        return 0;
    }

    pool = ngx_fuzz_pool();

    weak = data[0] & 1;
    v = (data[0] & 2) ? NULL : &value;

    value.len = size - 1;
    value.data = ngx_pnalloc(pool, value.len);
    ngx_fuzz_check(value.data != NULL || value.len == 0);
    if (value.len) {
        ngx_memcpy(value.data, data + 1, value.len);
    }

    ngx_fuzz_check(ngx_http_api_parse_etags(pool, v, weak, &list) == NGX_OK);

    if (v == NULL) {
        ngx_fuzz_check(list.len == 0);
        goto done;
    }

    p = value.data;
    end = p + value.len;

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    if (end - p == 1 && *p == '*') {
        ngx_fuzz_check(list.len == 1 && list.data[0] == '*');
        rev = value;
        ngx_fuzz_check(ngx_http_api_etag_listed(&list, &rev));
        goto done;
    }

    /* ",tag,...,tag,": never longer than the value plus one comma */

    ngx_fuzz_check(list.len >= 1 && list.len <= value.len + 1);
    ngx_fuzz_check(list.data[0] == ',' && list.data[list.len - 1] == ',');
    ngx_fuzz_check(memchr(list.data, '"', list.len) == NULL);

    /* every revision: C and Lua agree (revisions never hold a comma) */

    for (p = list.data + 1; p < list.data + list.len; p = comma + 1) {
        comma = memchr(p, ',', list.data + list.len - p);
        rev.data = p;
        rev.len = comma - p;

        if (rev.len == 0) {
            continue;
        }

        ngx_fuzz_check(ngx_http_api_etag_listed(&list, &rev));
        ngx_fuzz_check(ngx_fuzz_lua_listed(&list, &rev));
    }

    wellformed = ngx_fuzz_parse_model(value.data, value.data + value.len,
                                      &tags);

    /*
     * Revisions are 26 characters of base32: a tag that is empty or
     * holds a NUL (nginx refuses those in a header) or a comma is never
     * one, and C and Lua need not agree on it.
     */

    nul = (memchr(value.data, '\0', value.len) != NULL);

    for (i = 0; i < tags.n; i++) {
        rev = tags.tag[i];

        if (nul || rev.len == 0 || memchr(rev.data, ',', rev.len) != NULL) {
            continue;
        }

        ngx_fuzz_check(ngx_http_api_etag_listed(&list, &rev)
                       == ngx_fuzz_lua_listed(&list, &rev));

        if (!wellformed) {
            continue;
        }

        /* a strong tag always matches; a weak one only weakly */

        if (weak || !tags.weak[i]) {
            ngx_fuzz_check(ngx_http_api_etag_listed(&list, &rev));
        }
    }

    if (!wellformed) {
        goto done;
    }

    /*
     * A well-formed list gives exactly its tags, in order, less those
     * holding a comma (never a revision; they would read as two tags).
     */

    k = 0;
    for (i = 0; i < tags.n; i++) {
        if ((!weak && tags.weak[i])
            || memchr(tags.tag[i].data, ',', tags.tag[i].len) != NULL)
        {
            continue;
        }

        k += tags.tag[i].len + 1;
    }

    ngx_fuzz_check(list.len == 1 + k);

    p = list.data + 1;
    for (i = 0; i < tags.n; i++) {
        if ((!weak && tags.weak[i])
            || memchr(tags.tag[i].data, ',', tags.tag[i].len) != NULL)
        {
            continue;
        }

        ngx_fuzz_check(memcmp(p, tags.tag[i].data, tags.tag[i].len) == 0);
        p += tags.tag[i].len;
        ngx_fuzz_check(*p == ',');
        p++;
    }

done:

    ngx_destroy_pool(pool);

    return 0;
}


/*
 * #entity-tag with OWS; entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE,
 * etagc = %x21 / %x23-7E / obs-text.  Returns whether [p, end) is such a
 * list; the tags found so far are in tags either way.
 */

static ngx_uint_t
ngx_fuzz_parse_model(u_char *p, u_char *end, ngx_fuzz_tags_t *tags)
{
    u_char      *q;
    ngx_uint_t   w;

    tags->n = 0;

    for ( ;; ) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ',')) {
            p++;
        }

        if (p == end) {
            return 1;
        }

        w = 0;

        if (end - p >= 2 && p[0] == 'W' && p[1] == '/') {
            w = 1;
            p += 2;
        }

        if (p == end || *p != '"') {
            return 0;
        }

        for (q = p + 1; q < end && *q != '"'; q++) {
            if (*q < 0x21 || *q == 0x7f) {
                return 0;
            }
        }

        if (q == end) {
            return 0;
        }

        if (tags->n == NGX_FUZZ_TAGS_MAX) {
            return 0;
        }

        tags->tag[tags->n].data = p + 1;
        tags->tag[tags->n].len = q - p - 1;
        tags->weak[tags->n] = w;
        tags->n++;

        p = q + 1;

        /* OWS, then a comma or the end */

        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if (p < end && *p != ',') {
            return 0;
        }
    }
}


/* common.lua: string.find(list, ',' .. rev .. ',', 1, true) */

static ngx_uint_t
ngx_fuzz_lua_listed(ngx_str_t *list, ngx_str_t *rev)
{
    u_char  *p;

    if (list->len == 1 && list->data[0] == '*') {
        return 1;
    }

    for (p = list->data; p + rev->len + 2 <= list->data + list->len; p++) {
        if (p[0] == ',' && memcmp(p + 1, rev->data, rev->len) == 0
            && p[rev->len + 1] == ',')
        {
            return 1;
        }
    }

    return 0;
}
