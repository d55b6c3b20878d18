@file:Suppress("unused", "UNUSED_PARAMETER")

package android.content

import android.content.res.AssetManager
import java.io.File

abstract class Context {
    open val assets: AssetManager get() = TODO()
    open val filesDir: File get() = TODO()
    open val applicationContext: Context get() = TODO()
    fun getString(resId: Int): String = TODO()
    fun getString(resId: Int, vararg formatArgs: Any): String = TODO()
}

open class ContextWrapper(base: Context?) : Context()
