//! Workspace tests: the shared vectors natively (the same runners also run on wasm32,
//! see `wasm.rs`) and the browser test.

#[cfg(not(target_arch = "wasm32"))]
mod vectors {
    #[test]
    fn validation_vectors() {
        let fails = duban_tests::run_validation();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    #[test]
    fn lifecycle_vectors() {
        let fails = duban_tests::run_lifecycle();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    #[test]
    fn random_lifecycle_vectors() {
        let fails = duban_tests::run_lifecycle_random();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    #[test]
    fn deadline_vectors() {
        let fails = duban_tests::run_deadlines();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    #[test]
    fn board_vectors() {
        let fails = duban_tests::run_board();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    /// Prints precision, recall and the groups' ranking (`-- --nocapture`).
    #[test]
    fn repeat_vectors() {
        if let Ok(f) = duban_tests::repeat_figures() {
            println!("{f}");
        }
        let fails = duban_tests::run_repeats();
        assert!(fails.is_empty(), "{}", fails.join("\n"));
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod browser;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn validation_vectors_in_wasm() {
        let fails = duban_tests::run_validation();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    #[wasm_bindgen_test]
    fn lifecycle_vectors_in_wasm() {
        let fails = duban_tests::run_lifecycle();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    #[wasm_bindgen_test]
    fn random_lifecycle_vectors_in_wasm() {
        let fails = duban_tests::run_lifecycle_random();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    #[wasm_bindgen_test]
    fn deadline_vectors_in_wasm() {
        let fails = duban_tests::run_deadlines();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    #[wasm_bindgen_test]
    fn board_vectors_in_wasm() {
        let fails = duban_tests::run_board();
        assert!(fails.is_empty(), "{fails:#?}");
    }

    #[wasm_bindgen_test]
    fn repeat_vectors_in_wasm() {
        let fails = duban_tests::run_repeats();
        assert!(fails.is_empty(), "{}", fails.join("\n"));
    }
}
