@file:Suppress("unused", "UNUSED_PARAMETER")

package android.app

import android.content.ContextWrapper
import android.os.Bundle
import android.view.Window

open class Application : ContextWrapper(null) {
    open fun onCreate() {}
}

open class Activity : ContextWrapper(null) {
    open val window: Window get() = TODO()
    protected open fun onCreate(savedInstanceState: Bundle?) {}
}
