/*
 * Calls the healthcert-ffi cdylib through the generated C header, the way the
 * Swift bindings do: the contract version, a RustBuffer built from foreign
 * bytes passed to scan_frame (an error for a frame too small for its
 * dimensions, success for a blank frame), and every returned buffer freed.
 * Run by bindings/swift/check.sh.
 *
 * A `Vec<u8>` argument (Swift `Data`) travels as a RustBuffer holding its
 * serialized form, as FfiConverterData writes it: a big-endian i32 length,
 * then the bytes.
 */

/* The header uses clang's nullability qualifiers; gcc has none. */
#ifndef __clang__
#define _Nonnull
#define _Nullable
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthcertFFI.h"
/* The core's namespace, in the same clang module: both headers in one unit. */
#include "healthcertCoreFFI.h"

/* The contract version the generated Swift expects (HealthcertFFI.swift). */
#ifndef EXPECTED_CONTRACT_VERSION
#error "compile with -DEXPECTED_CONTRACT_VERSION=N"
#endif

enum { CALL_SUCCESS = 0, CALL_ERROR = 1, CALL_UNEXPECTED_ERROR = 2 };

/* HealthcertError variants are serialized as a big-endian i32, 1-based. */
enum { ERROR_INVALID_ARGUMENT = 4 };

static int failures = 0;

#define CHECK(cond, ...)                                                                                     \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "c-check: %s:%d: ", __FILE__, __LINE__);                                         \
            fprintf(stderr, __VA_ARGS__);                                                                    \
            fputc('\n', stderr);                                                                             \
            failures++;                                                                                      \
        }                                                                                                    \
    } while (0)

static int32_t read_i32(const uint8_t *p) {
    return (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3]);
}

static void write_i32(uint8_t *p, int32_t value) {
    uint32_t v = (uint32_t)value;
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static RustBuffer buffer_from(const uint8_t *data, int32_t len) {
    RustCallStatus status = {0};
    ForeignBytes bytes = {.len = len, .data = data};
    RustBuffer buf = ffi_healthcert_ffi_rustbuffer_from_bytes(bytes, &status);
    CHECK(status.code == CALL_SUCCESS, "rustbuffer_from_bytes: status %d", status.code);
    CHECK(buf.len == (uint64_t)len, "rustbuffer_from_bytes: len %llu, expected %d", (unsigned long long)buf.len, len);
    CHECK(len == 0 || (buf.data != NULL && memcmp(buf.data, data, (size_t)len) == 0),
          "rustbuffer_from_bytes: content differs");
    return buf;
}

/* A `Vec<u8>` argument: length prefix and bytes, copied into a Rust-owned buffer. */
static RustBuffer lower_bytes(const uint8_t *data, int32_t len) {
    uint8_t *serialized = malloc((size_t)len + 4);
    CHECK(serialized != NULL, "out of memory");
    if (serialized == NULL) exit(1);
    write_i32(serialized, len);
    memcpy(serialized + 4, data, (size_t)len);
    RustBuffer buf = buffer_from(serialized, len + 4);
    free(serialized);
    return buf;
}

static void buffer_free(RustBuffer buf) {
    RustCallStatus status = {0};
    ffi_healthcert_ffi_rustbuffer_free(buf, &status);
    CHECK(status.code == CALL_SUCCESS, "rustbuffer_free: status %d", status.code);
}

/* A frame whose data is shorter than its dimensions: HealthcertError.InvalidArgument. */
static void too_small_frame(void) {
    uint8_t luma[16];
    memset(luma, 0xff, sizeof luma);
    /* Ownership of the argument buffer passes to Rust, which frees it. */
    RustBuffer arg = lower_bytes(luma, (int32_t)sizeof luma);
    RustCallStatus status = {0};
    RustBuffer ret = uniffi_healthcert_ffi_fn_func_scan_frame(arg, 100, 100, 100, &status);
    CHECK(status.code == CALL_ERROR, "scan_frame(too small): status %d, expected %d (error)", status.code, CALL_ERROR);
    if (status.code == CALL_ERROR) {
        RustBuffer err = status.errorBuf;
        CHECK(err.len >= 8 && err.data != NULL, "scan_frame(too small): error buffer of %llu bytes",
              (unsigned long long)err.len);
        if (err.len >= 8 && err.data != NULL) {
            int32_t variant = read_i32(err.data);
            int32_t reason_len = read_i32(err.data + 4);
            CHECK(variant == ERROR_INVALID_ARGUMENT, "scan_frame(too small): error variant %d, expected %d", variant,
                  ERROR_INVALID_ARGUMENT);
            CHECK(reason_len > 0 && (uint64_t)reason_len + 8 == err.len,
                  "scan_frame(too small): reason of %d bytes in a buffer of %llu", reason_len,
                  (unsigned long long)err.len);
        }
        buffer_free(err);
    } else if (status.code == CALL_SUCCESS) {
        buffer_free(ret);
    } else {
        buffer_free(status.errorBuf); /* an unexpected error: a message */
    }
}

/* A blank frame: success, no code (a serialized empty sequence). */
static void blank_frame(void) {
    enum { W = 64, H = 48, STRIDE = 80 };
    uint8_t *luma = malloc((size_t)STRIDE * H);
    CHECK(luma != NULL, "out of memory");
    if (luma == NULL) return;
    memset(luma, 0xff, (size_t)STRIDE * H);
    RustBuffer arg = lower_bytes(luma, STRIDE * H);
    free(luma);
    RustCallStatus status = {0};
    RustBuffer ret = uniffi_healthcert_ffi_fn_func_scan_frame(arg, W, H, STRIDE, &status);
    CHECK(status.code == CALL_SUCCESS, "scan_frame(blank): status %d, expected %d (success)", status.code,
          CALL_SUCCESS);
    if (status.code == CALL_SUCCESS) {
        CHECK(ret.len == 4 && ret.data != NULL && read_i32(ret.data) == 0,
              "scan_frame(blank): expected an empty sequence, got %llu bytes", (unsigned long long)ret.len);
        buffer_free(ret);
    } else {
        buffer_free(status.errorBuf);
    }
}

int main(void) {
    uint32_t version = ffi_healthcert_ffi_uniffi_contract_version();
    CHECK(version == EXPECTED_CONTRACT_VERSION, "contract version %u, the bindings expect %d", version,
          EXPECTED_CONTRACT_VERSION);
    too_small_frame();
    blank_frame();
    if (failures != 0) {
        fprintf(stderr, "c-check: %d failure(s)\n", failures);
        return 1;
    }
    printf("c-check: contract version %u, scan_frame error and success paths ok\n", version);
    return 0;
}
