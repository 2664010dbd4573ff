//! The business logo: a PNG or JPEG of at most 512 KB, accepted only once it decodes (the
//! type is read from the bytes, never from what the browser claims), stored in `logos` and
//! served at an address that changes with each upload.

use mongodb::bson::DateTime;

use crate::error::AppError;
use crate::server::db::users::{self, LogoRef, UserDoc};
use crate::server::db::{self, logos};
use crate::server::digest;
use crate::server::state::AppState;

pub const MAX_BYTES: usize = 512 * 1024;
/// Wider or taller than this is not a logo, and decoding it would cost memory for nothing.
const MAX_SIDE: u32 = 4000;

/// "image/png" or "image/jpeg" when `bytes` is a whole image of that kind, or why not.
pub fn check(bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.is_empty() {
        return Err("Choose an image file for the logo.".to_string());
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "That image is {} KB; a logo can be at most {} KB.",
            bytes.len().div_ceil(1024),
            MAX_BYTES / 1024
        ));
    }
    let unreadable = || "That file is damaged or not a complete image.".to_string();
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .map_err(|_| unreadable())?;
        let info = reader.info();
        check_size(info.width, info.height)?;
        let mut pixels = vec![0; reader.output_buffer_size().ok_or_else(unreadable)?];
        reader.next_frame(&mut pixels).map_err(|_| unreadable())?;
        Ok("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(bytes));
        decoder.decode_headers().map_err(|_| unreadable())?;
        let (width, height) = decoder.dimensions().ok_or_else(unreadable)?;
        check_size(width as u32, height as u32)?;
        decoder.decode().map_err(|_| unreadable())?;
        Ok("image/jpeg")
    } else {
        Err("A logo must be a PNG or JPEG image.".to_string())
    }
}

fn check_size(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "That image is {width}×{height} pixels; a logo can be at most {MAX_SIDE} on each side."
        ));
    }
    Ok(())
}

/// Makes `bytes` the user's logo; a bad image is refused and changes nothing.
pub async fn upload(state: &AppState, user: &UserDoc, bytes: Vec<u8>) -> Result<LogoRef, AppError> {
    // Too large is said with its own status (413); any other fault of the image is a refusal.
    let content_type = check(&bytes).map_err(|why| {
        if bytes.len() > MAX_BYTES {
            AppError::TooLarge(why)
        } else {
            AppError::Rejected(why)
        }
    })?;
    let version = digest::short(&bytes);
    let now = DateTime::now();
    logos::put(&state.db, user.id, content_type, bytes, &version, now)
        .await
        .map_err(db::failed("saving the logo"))?;
    let logo = LogoRef {
        content_type: content_type.to_string(),
        version,
    };
    users::set_logo(&state.db, user.id, Some(&logo))
        .await
        .map_err(db::failed("saving the logo"))?;
    Ok(logo)
}

pub async fn remove(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    users::set_logo(&state.db, user.id, None)
        .await
        .map_err(db::failed("removing the logo"))?;
    logos::remove(&state.db, user.id)
        .await
        .map_err(db::failed("removing the logo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `width` × `height`, written with the same crate that reads it.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&vec![200; (width * height * 3) as usize])
            .unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn a_whole_png_is_accepted_and_a_truncated_one_is_not() {
        let image = png(2, 1);
        assert_eq!(check(&image), Ok("image/png"));
        assert!(
            check(&image[..image.len() - 20])
                .unwrap_err()
                .contains("damaged")
        );
    }

    #[test]
    fn other_files_and_oversized_ones_are_refused_with_why() {
        assert!(check(b"GIF89a....").unwrap_err().contains("PNG or JPEG"));
        assert!(check(b"<svg/>").unwrap_err().contains("PNG or JPEG"));
        assert!(check(&[]).unwrap_err().contains("Choose"));
        let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
        huge.resize(MAX_BYTES + 1, 0);
        assert!(check(&huge).unwrap_err().contains("513 KB"));
        assert!(check(&png(4001, 1)).unwrap_err().contains("4001×1"));
    }

    #[test]
    fn a_whole_jpeg_is_accepted() {
        let jpeg = include_bytes!("../../../tests/fixtures/logo.jpg");
        assert_eq!(check(jpeg), Ok("image/jpeg"));
    }

    #[test]
    fn a_jpeg_that_does_not_decode_is_refused() {
        assert!(
            check(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F'])
                .unwrap_err()
                .contains("damaged")
        );
    }
}
