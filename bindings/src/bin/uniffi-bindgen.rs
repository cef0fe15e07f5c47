//! uniffi's binding generator, built with this crate's uniffi version so the
//! generated Kotlin, Swift and Python always match the library.

fn main() {
    uniffi::uniffi_bindgen_main()
}
