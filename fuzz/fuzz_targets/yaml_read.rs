//! Every YAML read and edit: never a panic, refusals within the budget, and whatever is read
//! holds at most `node_cap` entries (aliases expanded).
#![no_main]

use libfuzzer_sys::fuzz_target;
use patchdesk_fuzz::{assert_output_budget, within_budget};
use patchdesk_yaml::{node_cap, Node, Value};

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Sequence(s) => s.iter().map(count).sum(),
        Value::Mapping(m) => m.iter().map(|(k, v)| count(k) + count(v)).sum(),
        Value::Tagged(t) => count(&t.value),
        _ => 0,
    }
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Tasks {
    tasks: Option<std::collections::BTreeMap<String, Value>>,
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    within_budget("yaml::parse_value", data.len(), || {
        if let Ok(v) = patchdesk_yaml::parse_value(text) {
            assert_output_budget("yaml entries", 0, count(&v), 0, node_cap(text.len(), false));
        }
        let _ = patchdesk_yaml::from_str::<Tasks>(text);
    });
    within_budget("yaml::edit", data.len(), || {
        let path = ["tasks", "T1", "status"];
        if let Ok(after) = patchdesk_yaml::set_value(text, &path, &Node::str("done")) {
            patchdesk_yaml::parse_value(&after).expect("an edit's result reads back");
        }
        let _ = patchdesk_yaml::append_item(text, &["handoffs"], &Node::str("x"));
        let _ = patchdesk_yaml::locate_keys(text, &["tasks"]);
    });
});
