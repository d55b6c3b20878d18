@file:Suppress("unused", "UNUSED_PARAMETER")

package android.view

import android.content.Context

open class View(context: Context)

abstract class ViewGroup(context: Context) : View(context)

abstract class Window(context: Context) {
    fun addFlags(flags: Int) {}
    fun clearFlags(flags: Int) {}
}

interface WindowManager {
    open class LayoutParams {
        companion object {
            const val FLAG_SECURE: Int = 0x00002000
            const val FLAG_KEEP_SCREEN_ON: Int = 0x00000080
        }
    }
}
