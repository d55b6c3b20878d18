@file:Suppress("unused", "ClassName")

package android

class Manifest {
    class permission {
        companion object {
            const val CAMERA: String = "android.permission.CAMERA"
        }
    }
}
