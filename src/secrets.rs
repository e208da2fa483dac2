//! Secret files Accord generates for the embedded default (token signing, audit checkpoints):
//! random bytes, hex-encoded, created once with mode 0600 in a 0700 directory.

use std::io::Write;
use std::path::Path;

use rand::RngCore;

/// Reads a secret file (trimmed), creating it with 64 random bytes when it does not exist.
/// Returns the secret and whether it was generated now.
pub fn read_or_generate(path: &Path) -> anyhow::Result<(Vec<u8>, bool)> {
    let generated = if path.exists() {
        false
    } else {
        generate(path)?;
        true
    };
    Ok((read(path)?, generated))
}

/// Reads a secret file, trimmed.
pub fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| anyhow::anyhow!("cannot read secret file {}: {err}", path.display()))?;
    Ok(text.trim().as_bytes().to_vec())
}

fn generate(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    let mut bytes = [0u8; 64];
    rand::rng().fill_bytes(&mut bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        // Another process created it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(err) => anyhow::bail!("cannot create secret file {}: {err}", path.display()),
    };
    file.write_all(hex::encode(bytes).as_bytes())?;
    file.sync_all()?;
    Ok(())
}
