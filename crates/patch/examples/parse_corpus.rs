fn main() {
    for arg in std::env::args().skip(1) {
        let data = std::fs::read(&arg).unwrap();
        match patchdesk_patch::parse(&data) {
            Ok(p) => {
                let hunks: usize = p.files.iter().map(|f| f.hunks.len()).sum();
                let untrusted = p.files.iter().filter(|f| !f.positions_trusted).count();
                println!(
                    "OK {arg} files={} hunks={hunks} untrusted={untrusted} repairs={}",
                    p.files.len(),
                    p.repairs.len()
                );
            }
            Err(e) => println!("ERR {arg}: {e}"),
        }
    }
}
