
/*
 * ngx_http_api_module: conditional requests (RFC 9110, section 13).
 *
 * Which preconditions a request carries and how a read evaluates them;
 * the writes' scripts evaluate the same ones next to the write they
 * guard (src/lua/common.lua).
 */


#include "ngx_http_api_cond.h"
#include "ngx_http_api_parse.h"


static time_t ngx_http_api_cond_header_date(ngx_table_elt_t *h);


ngx_int_t
ngx_http_api_cond_read(ngx_http_request_t *r, ngx_http_api_cond_t *cond)
{
    ngx_table_elt_t  *im, *inm;

    im = r->headers_in.if_match;
    inm = r->headers_in.if_none_match;

    if (ngx_http_api_parse_etags(r->pool, im ? &im->value : NULL, 0,
                                 &cond->if_match)
        != NGX_OK
        || ngx_http_api_parse_etags(r->pool, inm ? &inm->value : NULL, 1,
                                    &cond->if_none_match)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* 13.1.4: If-Match takes precedence; 13.1.3: so does If-None-Match */

    cond->if_unmodified_since = (im == NULL)
        ? ngx_http_api_cond_header_date(r->headers_in.if_unmodified_since)
        : -1;

    cond->if_modified_since =
        (inm == NULL && (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)))
        ? ngx_http_api_cond_header_date(r->headers_in.if_modified_since)
        : -1;

    return NGX_OK;
}


ngx_uint_t
ngx_http_api_cond_eval(ngx_http_api_cond_t *cond, ngx_str_t *rev,
    time_t mtime)
{
    ngx_uint_t  listed;

    /* 13.2.2, steps 1 and 2 */

    if (cond->if_match.len) {
        listed = (rev != NULL)
                 ? ngx_http_api_etag_listed(&cond->if_match, rev)
                 : (cond->if_match.len == 1 && cond->if_match.data[0] == '*');

        if (!listed) {
            return NGX_HTTP_PRECONDITION_FAILED;
        }

    } else if (cond->if_unmodified_since != -1 && mtime != -1
               && mtime > cond->if_unmodified_since)
    {
        return NGX_HTTP_PRECONDITION_FAILED;
    }

    /* steps 3 and 4: the method is GET or HEAD */

    if (cond->if_none_match.len) {
        listed = (rev != NULL)
                 ? ngx_http_api_etag_listed(&cond->if_none_match, rev)
                 : (cond->if_none_match.len == 1
                    && cond->if_none_match.data[0] == '*');

        if (listed) {
            return NGX_HTTP_NOT_MODIFIED;
        }

    } else if (cond->if_modified_since != -1 && mtime != -1
               && mtime <= cond->if_modified_since)
    {
        return NGX_HTTP_NOT_MODIFIED;
    }

    return NGX_HTTP_OK;
}


/*
 * "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate), "Sunday, 06-Nov-94
 * 08:49:37 GMT" (RFC 850) or "Sun Nov  6 08:49:37 1994" (asctime): the
 * shape is checked here, since ngx_parse_http_time() stops reading after
 * the time of day and would take "<date>, <date>" or "<date> junk".
 */

time_t
ngx_http_api_cond_date(ngx_str_t *value)
{
    u_char  *p, *end, *comma;
    size_t   len;
    time_t   t;

    p = value->data;
    end = p + value->len;

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }

    len = end - p;

    comma = ngx_strlchr(p, end, ',');

    if (comma == NULL) {
        if (len != sizeof("Sun Nov  6 08:49:37 1994") - 1) {
            return -1;
        }

    } else {
        /* the length after the day's name */
        len = end - comma;

        if ((len != sizeof(", 06 Nov 1994 08:49:37 GMT") - 1
             && len != sizeof(", 06-Nov-94 08:49:37 GMT") - 1)
            || ngx_strncmp(end - 4, " GMT", 4) != 0
            || ngx_strlchr(comma + 1, end, ',') != NULL)
        {
            return -1;
        }
    }

    t = ngx_parse_http_time(p, end - p);

    /* before 1970: as early as any stored time can be */
    return (t < -1) ? 0 : t;
}


static time_t
ngx_http_api_cond_header_date(ngx_table_elt_t *h)
{
    if (h == NULL) {
        return -1;
    }

    return ngx_http_api_cond_date(&h->value);
}
