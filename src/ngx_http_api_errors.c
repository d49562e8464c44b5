
/*
 * ngx_http_api_module: the api_problem directive, nginx's own error
 * responses (those it sends before or without the module) as RFC 9457
 * problem+json instead of its HTML pages.
 *
 * Used from error_page: "error_page 400 404 405 413 414 500 502 503 504
 * @problem;" with "location @problem { api_problem; }".  The status is
 * the one nginx was about to send (r->err_status); reached directly, the
 * location answers 404, so "location / { api_problem; }" is a fallback.
 */


#include "ngx_http_api_errors.h"
#include "ngx_http_api_response.h"


typedef struct {
    ngx_uint_t      status;
    const char     *code;
    const char     *detail;
} ngx_http_api_error_page_t;


static ngx_int_t ngx_http_api_problem_handler(ngx_http_request_t *r);


/*
 * nginx's 494-497 (a header too large, client certificate errors, plain
 * HTTP to an HTTPS port) never get here as such: error_page itself turns
 * them into 400.
 */

static ngx_http_api_error_page_t  ngx_http_api_error_pages[] = {
    { NGX_HTTP_BAD_REQUEST, "bad_request",
      "The request is malformed." },
    { NGX_HTTP_UNAUTHORIZED, "unauthorized",
      "This resource needs authentication." },
    { NGX_HTTP_FORBIDDEN, "forbidden",
      "Access to this resource is denied." },
    { NGX_HTTP_NOT_FOUND, "not_found",
      "Nothing is served at this path." },
    { NGX_HTTP_NOT_ALLOWED, "method_not_allowed",
      "This method is not allowed here." },
    { NGX_HTTP_REQUEST_TIME_OUT, "request_timeout",
      "The request did not arrive in time." },
    { NGX_HTTP_LENGTH_REQUIRED, "length_required",
      "This request needs a Content-Length." },
    { NGX_HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
      "The request body exceeds client_max_body_size." },
    { NGX_HTTP_REQUEST_URI_TOO_LARGE, "uri_too_long",
      "The request line is longer than the server accepts." },
    { NGX_HTTP_RANGE_NOT_SATISFIABLE, "range_not_satisfiable",
      "The requested range is not available." },
    { 429, "too_many_requests",
      "Too many requests; retry later." },
    { NGX_HTTP_INTERNAL_SERVER_ERROR, "internal_error",
      "The server failed to answer this request." },
    { NGX_HTTP_NOT_IMPLEMENTED, "not_implemented",
      "The server does not support what this request needs." },
    { NGX_HTTP_BAD_GATEWAY, "bad_gateway",
      "The upstream server gave no valid answer." },
    { NGX_HTTP_SERVICE_UNAVAILABLE, "service_unavailable",
      "The service is unavailable; retry shortly." },
    { NGX_HTTP_GATEWAY_TIME_OUT, "gateway_timeout",
      "The upstream server did not answer in time." },
    { NGX_HTTP_VERSION_NOT_SUPPORTED, "http_version_not_supported",
      "This HTTP version is not supported." },
    { NGX_HTTP_INSUFFICIENT_STORAGE, "insufficient_storage",
      "The server has no room for this request." },
    { 0, NULL, NULL }
};


/* api_problem: the location's content handler. */

char *
ngx_http_api_problem(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_api_problem_handler) {
        return "is duplicate";
    }

    if (clcf->handler != NULL) {
        return "cannot share a location with another content handler";
    }

    clcf->handler = ngx_http_api_problem_handler;

    return NGX_CONF_OK;
}


/*
 * The status nginx set before error_page sent the request here, as a
 * problem; any other status (one nginx has no page for) keeps its number
 * under the code "http_error".  A 405 names what nginx's own 405s leave
 * allowed: TRACE is never allowed, and a static file takes GET and HEAD.
 */

static ngx_int_t
ngx_http_api_problem_handler(ngx_http_request_t *r)
{
    ngx_uint_t                  status;
    ngx_http_api_error_page_t  *page;

    status = r->err_status ? r->err_status : NGX_HTTP_NOT_FOUND;

    for (page = ngx_http_api_error_pages; page->status; page++) {
        if (page->status == status) {
            break;
        }
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api problem page: %ui for \"%V\"", status, &r->uri);

    if (page->status == 0) {
        if (status < NGX_HTTP_BAD_REQUEST || status > 599) {
            status = NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_api_send_problem(r, status, "http_error",
                                         "The server refused the request.");
    }

    if (page->status == NGX_HTTP_NOT_ALLOWED
        && ngx_http_api_set_header(r, "Allow", "GET, HEAD") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_send_problem(r, page->status, page->code,
                                     page->detail);
}
