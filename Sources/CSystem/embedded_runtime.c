// A correction to the Embedded Swift runtime (Swift 6.3.1), compiled into Embedded builds only
// (cross/toolset.sh defines UCAGENT_EMBEDDED_RUNTIME); the host build uses the full runtime.
//
// The compiler declares swift_bridgeObjectRetain's argument `returned`: the caller may take the
// result for the argument. The Embedded runtime's 64-bit version returns the object with its
// tag bits cleared instead (0x8ffffffffffffff8 mask). On aarch64, where argument and result
// share x0, callers then go on with a String whose discriminator lost bits 61-62: a small
// string's 0xE3 became 0x83 (an "immortal large string" pointing at its own characters) and
// the agent died with SIGSEGV reading it. The weak runtime definitions give way to these strong
// ones, which retain the same object and return the argument untouched. The 32-bit runtime
// returns its argument already and is left alone.
#include <stdint.h>
#if defined(UCAGENT_EMBEDDED_RUNTIME) && UINTPTR_MAX > 0xffffffffu

void *swift_retain_n(void *object, uint32_t n);

void *swift_bridgeObjectRetain_n(void *object, uint32_t n) {
    uintptr_t bits = (uintptr_t)object;
    // Bit 63: a tagged value (small or immortal string), nothing to count. Bits 60-62 and 0-2
    // are BridgeObject flags, not address.
    if (bits >> 63) return object;
    uintptr_t plain = bits & 0x0ffffffffffffff8u;
    if (plain != 0) swift_retain_n((void *)plain, n);
    return object;
}

void *swift_bridgeObjectRetain(void *object) { return swift_bridgeObjectRetain_n(object, 1); }
#endif
