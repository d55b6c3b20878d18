@file:Suppress("unused")

package android.system

import java.lang.ref.Cleaner

/** API 33. */
class SystemCleaner private constructor() {
    companion object {
        @JvmStatic fun cleaner(): Cleaner = TODO()
    }
}
