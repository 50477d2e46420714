//! The NumPy fixtures: finding and loading the JSON files under
//! `tests/fixtures/`, and decoding their arrays ([`Fx`], [`Data`]) into
//! tandem arrays and back.

use super::*;

// ---------------------------------------------------------------------------
// Fixture files

/// The folder of the elementwise fixtures.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/elementwise")
}

/// Loads (once per test binary) and returns fixture `name` of `group`, the
/// folder `tests/fixtures/<group>` written by `scripts/fixtures/<group>.py`.
pub fn load_fixture(group: &str, name: &str) -> &'static Value {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, &'static Value>>> = OnceLock::new();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(group)
        .join(name);
    let mut cache = CACHE
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(v) = cache.get(&path) {
        return v;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read fixture {}: {e}; regenerate with `python3 scripts/fixtures/{group}.py`",
            path.display()
        )
    });
    let v: &'static Value =
        Box::leak(Box::new(serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("fixture {} is not JSON: {e}", path.display())
        })));
    cache.insert(path, v);
    v
}

/// Loads an elementwise fixture, e.g. `"unary.json"`.
pub fn load(name: &str) -> &'static Value {
    load_fixture("elementwise", name)
}

/// The cases array `v[key]` of a fixture.
pub fn cases<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("fixture has no array {key:?}"))
}

/// A dtype from its NumPy name.
pub fn dtype(name: &str) -> DType {
    DType::from_name(name).unwrap_or_else(|| panic!("unknown dtype name {name:?} in fixture"))
}

/// Every dtype, in the fixture order.
pub const DTYPES: [DType; 6] = [
    DType::Bool,
    DType::I32,
    DType::I64,
    DType::U32,
    DType::F32,
    DType::F64,
];

// ---------------------------------------------------------------------------
// Decoded arrays

/// Flat values of one dtype.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U32(Vec<u32>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Data {
    pub fn len(&self) -> usize {
        match self {
            Data::Bool(v) => v.len(),
            Data::I32(v) => v.len(),
            Data::I64(v) => v.len(),
            Data::U32(v) => v.len(),
            Data::F32(v) => v.len(),
            Data::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn dtype(&self) -> DType {
        match self {
            Data::Bool(_) => DType::Bool,
            Data::I32(_) => DType::I32,
            Data::I64(_) => DType::I64,
            Data::U32(_) => DType::U32,
            Data::F32(_) => DType::F32,
            Data::F64(_) => DType::F64,
        }
    }

    /// Element `i` for messages (floats with `{:?}`, so `-0.0` shows).
    pub fn show(&self, i: usize) -> String {
        match self {
            Data::Bool(v) => format!("{}", v[i]),
            Data::I32(v) => format!("{}", v[i]),
            Data::I64(v) => format!("{}", v[i]),
            Data::U32(v) => format!("{}", v[i]),
            Data::F32(v) => format!("{:?}f32", v[i]),
            Data::F64(v) => format!("{:?}", v[i]),
        }
    }
}

/// A decoded fixture array.
#[derive(Clone, Debug, PartialEq)]
pub struct Fx {
    pub dtype: DType,
    pub shape: Vec<usize>,
    pub data: Data,
}

impl Fx {
    /// The tandem array with this content (on the CPU).
    pub fn build(&self) -> Array {
        let shape = &self.shape[..];
        let r = match &self.data {
            Data::Bool(v) => Array::from_vec(v.clone(), shape),
            Data::I32(v) => Array::from_vec(v.clone(), shape),
            Data::I64(v) => Array::from_vec(v.clone(), shape),
            Data::U32(v) => Array::from_vec(v.clone(), shape),
            Data::F32(v) => Array::from_vec(v.clone(), shape),
            Data::F64(v) => Array::from_vec(v.clone(), shape),
        };
        r.unwrap_or_else(|e| panic!("from_vec({:?}, {:?}) failed: {e}", self.dtype, shape))
    }

    /// Short description for messages: `float32[2, 3]`, with the values when few.
    pub fn describe(&self) -> String {
        let mut s = format!("{}{:?}", self.dtype.name(), self.shape);
        if self.data.len() <= 8 {
            let vals: Vec<String> = (0..self.data.len()).map(|i| self.data.show(i)).collect();
            s.push_str(&format!(" [{}]", vals.join(", ")));
        }
        s
    }
}

/// Parses one fixture value of dtype `dt` as a float (floats are strings).
pub fn parse_float(v: &Value) -> f64 {
    match v {
        Value::String(s) => s
            .parse::<f64>()
            .unwrap_or_else(|e| panic!("bad float {s:?} in fixture: {e}")),
        Value::Number(n) => n.as_f64().expect("number"),
        other => panic!("expected a float string, got {other}"),
    }
}

pub fn parse_i64(v: &Value) -> i64 {
    v.as_i64()
        .unwrap_or_else(|| panic!("expected an integer, got {v}"))
}

/// Decodes `{"dtype", "shape", "data"}`.
pub fn parse_array(v: &Value) -> Fx {
    let dt = dtype(v["dtype"].as_str().expect("dtype string"));
    let shape: Vec<usize> = v["shape"]
        .as_array()
        .expect("shape array")
        .iter()
        .map(|d| d.as_u64().expect("shape entry") as usize)
        .collect();
    let raw = v["data"].as_array().expect("data array");
    let data = match dt {
        DType::Bool => Data::Bool(raw.iter().map(|x| x.as_bool().expect("bool")).collect()),
        DType::I32 => Data::I32(raw.iter().map(|x| parse_i64(x) as i32).collect()),
        DType::I64 => Data::I64(raw.iter().map(parse_i64).collect()),
        DType::U32 => Data::U32(raw.iter().map(|x| parse_i64(x) as u32).collect()),
        DType::F32 => Data::F32(raw.iter().map(|x| parse_float(x) as f32).collect()),
        DType::F64 => Data::F64(raw.iter().map(parse_float).collect()),
    };
    assert_eq!(
        data.len(),
        shape.iter().product::<usize>(),
        "fixture array length does not match its shape {shape:?}"
    );
    Fx {
        dtype: dt,
        shape,
        data,
    }
}

/// Builds the tandem array for a fixture array value.
pub fn array(v: &Value) -> Array {
    parse_array(v).build()
}

/// Reads an array back (forcing evaluation) into [`Data`] of its own dtype.
pub fn read(a: &Array) -> Result<Data> {
    Ok(match a.dtype() {
        DType::Bool => Data::Bool(a.to_vec::<bool>()?),
        DType::I32 => Data::I32(a.to_vec::<i32>()?),
        DType::I64 => Data::I64(a.to_vec::<i64>()?),
        DType::U32 => Data::U32(a.to_vec::<u32>()?),
        DType::F32 => Data::F32(a.to_vec::<f32>()?),
        DType::F64 => Data::F64(a.to_vec::<f64>()?),
    })
}
