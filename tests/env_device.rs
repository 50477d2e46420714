//! `TANDEM_DEVICE` is honoured and an invalid value is an error (issue 14,
//! "configuration is honest"). The environment is the process's, so each
//! case runs this test binary again as a child with the variable set, and
//! the child's test (ignored in ordinary runs) checks what the library does.

use tandem::prelude::*;

/// Runs the ignored test `name` of this binary in a child process with
/// `TANDEM_DEVICE=value`, and asserts that it passed.
fn in_child(name: &str, value: &str) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            name,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("TANDEM_DEVICE", value)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && text.contains("1 passed"),
        "{name} with TANDEM_DEVICE={value}:\n{text}"
    );
}

#[test]
fn an_invalid_tandem_device_is_an_error_naming_it() {
    in_child("child_invalid_device", "tpu");
}

#[test]
fn a_valid_tandem_device_is_the_default() {
    in_child("child_cpu_device", "cpu");
}

#[test]
#[ignore = "run by an_invalid_tandem_device_is_an_error_naming_it, with TANDEM_DEVICE=tpu"]
fn child_invalid_device() {
    assert_eq!(std::env::var("TANDEM_DEVICE").as_deref(), Ok("tpu"));
    let a = Array::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
    let err = (&a + 1.0).to_vec::<f32>().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    assert!(
        text.contains("TANDEM_DEVICE") && text.contains("\"tpu\""),
        "{text}"
    );
    // Data already in memory still reads; an explicit choice clears it.
    assert_eq!(a.to_vec::<f32>().unwrap(), vec![1.0, 2.0]);
    tandem::set_default_device(Device::Cpu);
    assert_eq!((&a + 1.0).to_vec::<f32>().unwrap(), vec![2.0, 3.0]);
}

#[test]
#[ignore = "run by a_valid_tandem_device_is_the_default, with TANDEM_DEVICE=cpu"]
fn child_cpu_device() {
    assert_eq!(tandem::default_device(), Device::Cpu);
    let a = Array::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
    assert_eq!((&a * 2.0).to_vec::<f32>().unwrap(), vec![2.0, 4.0]);
}
