
/*
 * test_schema: runs files of the official JSON-Schema-Test-Suite
 * (Debian's json-schema-test-suite, tests/draft7) through
 * ngx_http_api_schema_compile() and _validate(), built as the fuzz
 * targets are (fuzz/Makefile).  `make test-schema` (tools/test-schema)
 * picks the files.
 *
 * Each file is an array of {description, schema, tests: [{description,
 * data, valid}]}.  A case passes when the verdict is the suite's and the
 * errors are well formed (1 to NGX_HTTP_API_SCHEMA_ERRORS_MAX of them,
 * each with JSON pointers and a message).  The cases README.md lists as
 * unsupported are skipped here by their descriptions, and only those.
 *
 * Prints a line per file; exits 1 if any case fails or a file does not
 * load.
 */


#include <jansson.h>

#include "ngx_fuzz.h"
#include "ngx_http_api_schema.h"


typedef struct {
    const char  *file;
    const char  *group;     /* a group's description */
    const char  *reason;
} ngx_test_schema_skip_t;


/* keep in step with README.md, "JSON Schema": what is not supported */
static ngx_test_schema_skip_t  ngx_test_schema_skips[] = {
    { "definitions.json", "valid definition",
      "a remote $ref (the draft-07 meta-schema)" },
    { "definitions.json", "invalid definition",
      "a remote $ref (the draft-07 meta-schema)" },
    { "ref.json", "remote ref, containing refs itself",
      "a remote $ref (the draft-07 meta-schema)" },
    { NULL, NULL, NULL }
};


static const char *ngx_test_schema_skipped(const char *file,
    const char *group);
static ngx_uint_t ngx_test_schema_pointer(ngx_str_t *s);
static ngx_uint_t ngx_test_schema_case(ngx_http_api_schema_t *schema,
    json_t *test, const char *file, const char *group);


int
main(int argc, char **argv)
{
    int                     i, failed_files;
    json_t                 *suite, *group, *tests;
    size_t                  g, t;
    ngx_str_t               err;
    const char             *file, *name, *desc;
    ngx_uint_t              passed, failed, skipped, n;
    ngx_pool_t             *pool;
    json_error_t            jerr;
    ngx_http_api_schema_t  *schema;

    failed_files = 0;

    for (i = 1; i < argc; i++) {
        file = argv[i];
        name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;

        suite = json_load_file(file, 0, &jerr);
        if (!json_is_array(suite)) {
            printf("FAILED %s: does not load: %s\n", name, jerr.text);
            failed_files++;
            continue;
        }

        passed = 0;
        failed = 0;
        skipped = 0;

        for (g = 0; g < json_array_size(suite); g++) {
            group = json_array_get(suite, g);
            desc = json_string_value(json_object_get(group, "description"));
            tests = json_object_get(group, "tests");
            n = json_array_size(tests);

            if (desc == NULL || !json_is_array(tests)) {
                printf("  %s #%zu: not a test group\n", name, g);
                failed++;
                continue;
            }

            if (ngx_test_schema_skipped(name, desc) != NULL) {
                skipped += n;
                continue;
            }

            pool = ngx_fuzz_pool();

            schema = ngx_http_api_schema_compile(pool,
                                        json_object_get(group, "schema"),
                                        &err);
            if (schema == NULL) {
                printf("  %s \"%s\": does not compile: %.*s\n", name, desc,
                       (int) err.len, err.data);
                failed += n;
                ngx_destroy_pool(pool);
                continue;
            }

            for (t = 0; t < n; t++) {
                if (ngx_test_schema_case(schema, json_array_get(tests, t),
                                         name, desc))
                {
                    passed++;

                } else {
                    failed++;
                }
            }

            ngx_destroy_pool(pool);
        }

        printf("%s %s: %lu/%lu passed", failed ? "FAILED" : "ok    ", name,
               (unsigned long) passed, (unsigned long) (passed + failed));

        if (skipped) {
            printf(", %lu unsupported skipped", (unsigned long) skipped);
        }

        printf("\n");

        failed_files += (failed != 0);
        json_decref(suite);
    }

    printf("test-schema: %d files, %d failed\n", argc - 1, failed_files);

    return failed_files ? 1 : 0;
}


static const char *
ngx_test_schema_skipped(const char *file, const char *group)
{
    ngx_test_schema_skip_t  *s;

    for (s = ngx_test_schema_skips; s->file != NULL; s++) {
        if (strcmp(s->file, file) == 0 && strcmp(s->group, group) == 0) {
            return s->reason;
        }
    }

    return NULL;
}


/* "" or "/..." */

static ngx_uint_t
ngx_test_schema_pointer(ngx_str_t *s)
{
    return s->len == 0 || s->data[0] == '/';
}


static ngx_uint_t
ngx_test_schema_case(ngx_http_api_schema_t *schema, json_t *test,
    const char *file, const char *group)
{
    json_t                       *data;
    ngx_int_t                     rc;
    ngx_uint_t                    i, valid;
    ngx_pool_t                   *pool;
    const char                   *desc;
    ngx_array_t                  *errors;
    ngx_http_api_schema_error_t  *e;

    desc = json_string_value(json_object_get(test, "description"));
    data = json_object_get(test, "data");
    valid = json_is_true(json_object_get(test, "valid"));

    if (desc == NULL || data == NULL) {
        printf("  %s \"%s\": a test without description or data\n", file,
               group);
        return 0;
    }

    pool = ngx_fuzz_pool();
    rc = ngx_http_api_schema_validate(schema, data, pool, &errors);

    if (rc != (valid ? NGX_OK : NGX_DECLINED)) {
        printf("  %s \"%s\" / \"%s\": %s, expected %s\n", file, group, desc,
               rc == NGX_OK ? "valid" : "invalid",
               valid ? "valid" : "invalid");
        ngx_destroy_pool(pool);
        return 0;
    }

    if (rc == NGX_DECLINED) {
        if (errors == NULL || errors->nelts == 0
            || errors->nelts > NGX_HTTP_API_SCHEMA_ERRORS_MAX)
        {
            printf("  %s \"%s\" / \"%s\": no errors or too many\n", file,
                   group, desc);
            ngx_destroy_pool(pool);
            return 0;
        }

        e = errors->elts;

        for (i = 0; i < errors->nelts; i++) {
            if (!ngx_test_schema_pointer(&e[i].instance)
                || !ngx_test_schema_pointer(&e[i].schema)
                || e[i].message.len == 0)
            {
                printf("  %s \"%s\" / \"%s\": a malformed error\n", file,
                       group, desc);
                ngx_destroy_pool(pool);
                return 0;
            }
        }

        if (getenv("TEST_SCHEMA_VERBOSE") != NULL) {
            for (i = 0; i < errors->nelts; i++) {
                printf("    \"%s\": %.*s %.*s: %.*s\n", desc,
                       (int) e[i].instance.len, e[i].instance.data,
                       (int) e[i].schema.len, e[i].schema.data,
                       (int) e[i].message.len, e[i].message.data);
            }
        }
    }

    ngx_destroy_pool(pool);

    return 1;
}
