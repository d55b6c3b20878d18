// The Android app of healthcert. Lives inside the Rust workspace (its parent
// directory): the build runs cargo-ndk and the workspace's uniffi-bindgen there.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "healthcert-android"

// The native library, the generated Kotlin bindings, JNA and the keep rules:
// what another app embeds.
include(":healthcert")
// The verifier app: camera and UI only.
include(":app")
