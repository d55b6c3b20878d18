@file:Suppress("unused", "UNUSED_PARAMETER")

package android.util

class Log private constructor() {
    companion object {
        @JvmStatic fun d(tag: String?, msg: String): Int = 0
        @JvmStatic fun i(tag: String?, msg: String): Int = 0
        @JvmStatic fun w(tag: String?, msg: String): Int = 0
        @JvmStatic fun w(tag: String?, msg: String?, tr: Throwable?): Int = 0
        @JvmStatic fun e(tag: String?, msg: String): Int = 0
        @JvmStatic fun e(tag: String?, msg: String?, tr: Throwable?): Int = 0
    }
}

class Size(val width: Int, val height: Int)
