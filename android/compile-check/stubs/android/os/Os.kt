@file:Suppress("unused", "ClassName", "PropertyName")

package android.os

class Build {
    class VERSION {
        companion object {
            @JvmField val SDK_INT: Int = 0
        }
    }
    class VERSION_CODES {
        companion object {
            const val O: Int = 26
            const val TIRAMISU: Int = 33
            const val UPSIDE_DOWN_CAKE: Int = 34
            const val VANILLA_ICE_CREAM: Int = 35
        }
    }
}

class Bundle
