//! Routing one case through the default rules against the whole unit tree (what a batch
//! import or batch dispatch does for every case).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use duban_case::model::{Category, Channel, KeyClass};
use duban_dispatch::{Facts, Unit, default_rules, route};

fn units() -> Vec<Unit> {
    let mut out = vec![Unit::new(
        "prov-coord",
        "省督察协调联络组信访组",
        "coordination",
        Some("320000"),
    )];
    for dept in [
        "dept-sthjt",
        "dept-zjt",
        "dept-lyj",
        "dept-slt",
        "dept-jtyst",
        "dept-nynct",
        "dept-zrzyt",
    ] {
        out.push(Unit::new(dept, dept, "department", Some("320000")));
    }
    // Every city and county government, as the server seeds them.
    for d in duban_divisions::all() {
        let code = d.code().as_str();
        out.push(Unit::new(
            &format!("gov-{}", d.code().short()),
            d.name(),
            "government",
            Some(&code),
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    let units = units();
    let rules = default_rules();
    let categories = [Category::Water];
    let keys = [KeyClass::InspectionKey];
    let facts = Facts {
        division: "321102".parse().unwrap_or_else(|_| unreachable!()),
        categories: &categories,
        key_classes: &keys,
        channel: Channel::InspectionPhone,
        content: "京口区某小区生活污水直排入河，夏天臭味很重，旁边就是湿地公园，已经持续两个月了。",
    };
    c.bench_function("route (default rules, 110 units)", |b| {
        b.iter(|| black_box(route(black_box(&facts), &rules, &units)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
