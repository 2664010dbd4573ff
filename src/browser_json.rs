//! How server functions' answers and errors travel: JSON on the wire, written by serde_json on
//! the server and read in the browser by its own `JSON.parse` and serde-wasm-bindgen.
//!
//! serde_json compiles a parser into every answer type's deserializer; with about sixty answer
//! types that was the largest share of the WebAssembly bundle after the framework itself.
//! Reading an already parsed JavaScript value needs no parser per type, so the browser downloads
//! less (docs/architecture.md, "What the browser downloads"). Resources use the same pair
//! (`Resource::new_serde_wb`), so an answer type has one reader whichever way it arrives.
//!
//! JavaScript numbers are doubles: serde-wasm-bindgen refuses an integer beyond 2^53 rather than
//! round it. Every integer PayTrack sends is far below that (amounts are capped at
//! `MAX_TOTAL_MINOR`, quantities at 10^12 thousandths, times are milliseconds).

use leptos::server_fn::codec::{JsonEncoding, Post};
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Answers as `application/json`, written by serde_json and read as described above.
pub type BrowserJson = Post<BrowserJsonEncoding>;

pub struct BrowserJsonEncoding;

impl ContentType for BrowserJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for BrowserJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

// Written exactly as server_fn's own JSON encoding writes it.
impl<T: Serialize> Encodes<T> for BrowserJsonEncoding {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        <JsonEncoding as Encodes<T>>::encode(value)
    }
}

impl<T: DeserializeOwned> Decodes<T> for BrowserJsonEncoding {
    type Error = String;

    #[cfg(feature = "hydrate")]
    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(|error| error.to_string())?;
        let value = js_sys::JSON::parse(text).map_err(|_| "the answer is not JSON".to_string())?;
        serde_wasm_bindgen::from_value(value).map_err(|error| error.to_string())
    }

    // Outside the browser (the tests' clients) there is no JSON.parse: server_fn's own JSON
    // encoding reads the same text.
    #[cfg(not(feature = "hydrate"))]
    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        <JsonEncoding as Decodes<T>>::decode(bytes).map_err(|error| error.to_string())
    }
}
