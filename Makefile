# ngx_http_api_module
#
#   make              build build/ngx_http_api_module.so against the
#                     distribution's nginx sources (NGINX_SRC to override)
#   make run          install what is missing, build, run Redis + nginx in the
#                     foreground on 127.0.0.1:$(API_PORT) (Ctrl-C stops both)
#   make test         install what is missing, build, check the dependency
#                     rule (tools/deps-graph), run the whole t/ suite
#   make test-valgrind  the suite with nginx under valgrind memcheck
#   make test-asan    the suite with the module built with ASan + UBSan,
#                     loaded into the stock nginx
#   make test-faults  build, then fault injection under load against a
#                     private Redis + nginx (faults/README.md)
#   make fuzz         build, then run each fuzz target (fuzz/README.md) for
#                     FUZZ_SECONDS (default 60) with ASan + UBSan
#   make bench        build, then benchmark against a private Redis + nginx
#                     (bench/README.md; results in bench/results/)
#   make clean        remove build output and private run state

NGINX_SRC    ?= /usr/share/nginx/src
BUILD        ?= build
API_PORT     ?= 8080
REDIS_PORT   ?= 6380
TEST_REDIS_PORT ?= 6390
MODULE_CFLAGS ?=

MODULE  := $(BUILD)/ngx_http_api_module.so
LUA     := $(wildcard src/lua/*.lua)
SOURCES := config ngx_http_api_module.c $(wildcard src/*.c src/*.h) $(LUA)

FUZZ_SECONDS      ?= 60
FAULTS_REDIS_PORT ?= 6396
FAULTS_PORT       ?= 8096

export API_PORT REDIS_PORT TEST_REDIS_PORT FAULTS_REDIS_PORT FAULTS_PORT

.PHONY: all deps run test test-valgrind test-asan test-faults fuzz bench clean

all: $(MODULE)

$(BUILD)/nginx/objs/Makefile: config Makefile tools/configure $(LUA)
	tools/configure "$(NGINX_SRC)" "$(BUILD)/nginx" "$(CURDIR)" \
	    "$(MODULE_CFLAGS)"

$(MODULE): $(BUILD)/nginx/objs/Makefile $(SOURCES)
	$(MAKE) -C $(BUILD)/nginx -f objs/Makefile modules
	@# a new file, not the old one overwritten: a running nginx has it mapped
	cp $(BUILD)/nginx/objs/ngx_http_api_module.so $@.tmp
	mv -f $@.tmp $@

deps:
	tools/deps

run: deps
	$(MAKE) all
	tools/run

test: deps
	$(MAKE) all
	tools/deps-graph $(BUILD)/nginx/objs
	tools/test

test-valgrind:
	EXTRA_PACKAGES=valgrind tools/deps
	$(MAKE) all
	TEST_WITH_VALGRIND=1 tools/test

ASAN_BUILD  := $(BUILD)/asan
ASAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=undefined

test-asan:
	EXTRA_PACKAGES="libasan8 libubsan1" tools/deps
	$(MAKE) all BUILD=$(ASAN_BUILD) MODULE_CFLAGS="$(ASAN_CFLAGS)"
	TEST_WITH_ASAN=1 TEST_MODULE=$(CURDIR)/$(ASAN_BUILD)/ngx_http_api_module.so \
	    tools/test

test-faults: deps
	$(MAKE) all
	faults/run

fuzz:
	EXTRA_PACKAGES="clang libclang-rt-14-dev" tools/deps
	$(MAKE) all
	BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run

bench:
	EXTRA_PACKAGES="wrk gnuplot-nox" tools/deps
	$(MAKE) all
	bench/run

clean:
	rm -rf $(BUILD) .run t/servroot* bench/results faults/results
