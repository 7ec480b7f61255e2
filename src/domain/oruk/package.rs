//! The Open Referral UK tabular data package: `datapackage.json` and one CSV file per
//! record type, linked by ids. Written from full services (flattened) and read back into
//! full services (joined), so the JSON and CSV forms carry the same data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

use super::model::{Service, Taxonomy, TaxonomyTerm};

/// The profile's package description (with language `name` and `code` added).
pub const DATAPACKAGE: &str = include_str!("../../../static/openreferral/datapackage.json");

/// Columns that hold numbers; everything else is text.
const NUMBERS: [&str; 6] = [
    "minimum_age",
    "maximum_age",
    "amount",
    "latitude",
    "longitude",
    "interval",
];

type Row = Map<String, Value>;

/// (resource name, file, columns) of every table in the package.
fn tables() -> Vec<(String, String, Vec<String>)> {
    let package: Value = serde_json::from_str(DATAPACKAGE).unwrap_or(Value::Null);
    package["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_owned(),
                r["path"].as_str().unwrap_or_default().to_owned(),
                r["schema"]["fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f["name"].as_str().map(str::to_owned))
                    .collect(),
            )
        })
        .collect()
}

fn object(value: impl serde::Serialize) -> Row {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The services (and taxonomies) as rows per resource name.
fn flatten(services: &[Service], taxonomies: &[Taxonomy]) -> BTreeMap<&'static str, Vec<Row>> {
    let mut out: BTreeMap<&'static str, Vec<Row>> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut add = |table: &'static str, row: Row, out: &mut BTreeMap<&'static str, Vec<Row>>| {
        let id = row.get("id").and_then(Value::as_str).unwrap_or_default();
        if seen.insert(format!("{table}:{id}")) {
            out.entry(table).or_default().push(row);
        }
    };
    for t in taxonomies {
        let mut t = t.clone();
        for term in t.taxonomy_terms.take().unwrap_or_default() {
            add("taxonomy_term", object(term), &mut out);
        }
        add("taxonomy", object(t), &mut out);
    }
    for s in services {
        let with = |mut row: Row, key: &str, id: &str| {
            row.insert(key.to_owned(), Value::String(id.to_owned()));
            row
        };
        if let Some(org) = &s.organization {
            for i in org.organization_identifiers.iter().flatten() {
                add(
                    "organization_identifier",
                    with(object(i), "organization_id", &org.id),
                    &mut out,
                );
            }
            for a in org.attributes.iter().flatten() {
                add("attribute", object(a), &mut out);
            }
            for p in org.phones.iter().flatten() {
                add(
                    "phone",
                    with(object(p), "organization_id", &org.id),
                    &mut out,
                );
            }
            add("organization", object(org), &mut out);
        }
        for a in s.attributes.iter().flatten() {
            add("attribute", object(a), &mut out);
        }
        for sal in s.service_at_locations.iter().flatten() {
            if let Some(location) = &sal.location {
                for a in location.addresses.iter().flatten() {
                    add(
                        "address",
                        with(object(a), "location_id", &location.id),
                        &mut out,
                    );
                }
                for a in location.accessibility.iter().flatten() {
                    add(
                        "accessibility",
                        with(object(a), "location_id", &location.id),
                        &mut out,
                    );
                }
                for p in location.phones.iter().flatten() {
                    add(
                        "phone",
                        with(object(p), "location_id", &location.id),
                        &mut out,
                    );
                }
                add("location", object(location), &mut out);
            }
            add("service_at_location", object(sal), &mut out);
        }
        for x in s.schedules.iter().flatten() {
            add("schedule", object(x), &mut out);
        }
        for x in s.service_areas.iter().flatten() {
            add("service_area", object(x), &mut out);
        }
        for x in s.languages.iter().flatten() {
            add("language", object(x), &mut out);
        }
        for x in s.cost_options.iter().flatten() {
            add("cost_option", object(x), &mut out);
        }
        for x in s.contacts.iter().flatten() {
            for p in x.phones.iter().flatten() {
                add("phone", with(object(p), "contact_id", &x.id), &mut out);
            }
            add("contact", object(x), &mut out);
        }
        for p in s.phones.iter().flatten() {
            add("phone", with(object(p), "service_id", &s.id), &mut out);
        }
        add("service", object(s.clone().summary()), &mut out);
    }
    out
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => other.to_string(),
    }
}

/// Writes `datapackage.json` and every table (empty tables keep their header row).
pub fn write(dir: &Path, services: &[Service], taxonomies: &[Taxonomy]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("datapackage.json"), DATAPACKAGE)?;
    let rows = flatten(services, taxonomies);
    for (name, path, columns) in tables() {
        let mut w = csv::Writer::from_path(dir.join(&path))?;
        w.write_record(&columns)?;
        for row in rows.get(name.as_str()).into_iter().flatten() {
            w.write_record(columns.iter().map(|c| cell(row.get(c))))?;
        }
        w.flush()?;
    }
    Ok(())
}

/// One table read from the package: rows of column → value, numbers as numbers.
fn read_table(dir: &Path, path: &str) -> Result<Vec<Row>, String> {
    let file = dir.join(path);
    if !file.exists() {
        return Ok(Vec::new());
    }
    let mut reader = csv::Reader::from_path(&file).map_err(|e| format!("{path}: {e}"))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{path}: {e}"))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{path} row {}: {e}", i + 2))?;
        let mut row = Map::new();
        for (h, v) in headers.iter().zip(record.iter()) {
            if v.trim().is_empty() {
                continue;
            }
            let value = if NUMBERS.contains(&h.as_str()) {
                match v.trim().parse::<f64>() {
                    Ok(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
                    Err(_) => Value::String(v.to_owned()),
                }
            } else {
                Value::String(v.to_owned())
            };
            row.insert(h.clone(), value);
        }
        rows.push(row);
    }
    Ok(rows)
}

fn by(rows: &[Row], key: &str, id: &str) -> Vec<Value> {
    rows.iter()
        .filter(|r| r.get(key).and_then(Value::as_str) == Some(id))
        .map(|r| Value::Object(r.clone()))
        .collect()
}

/// A service read from the package, labelled by its row, or what is wrong with it.
pub type ReadService = (String, Result<Service, String>);

/// Reads a package directory into services.
pub fn read(dir: &Path) -> Result<Vec<ReadService>, String> {
    if !dir.join("datapackage.json").exists() {
        return Err(format!("{} has no datapackage.json", dir.display()));
    }
    let mut t: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for (name, path, _) in tables() {
        t.insert(name, read_table(dir, &path)?);
    }
    let table = |name: &str| t.get(name).map(Vec::as_slice).unwrap_or_default();
    let terms: BTreeMap<String, TaxonomyTerm> = table("taxonomy_term")
        .iter()
        .filter_map(|r| serde_json::from_value(Value::Object(r.clone())).ok())
        .map(|term: TaxonomyTerm| (term.id.clone(), term))
        .collect();
    let attributes = |link: &str| -> Vec<Value> {
        by(table("attribute"), "link_id", link)
            .into_iter()
            .map(|mut a| {
                let term = a["taxonomy_term_id"].as_str().and_then(|id| terms.get(id));
                if let Some(term) = term {
                    a["taxonomy_term"] = serde_json::to_value(term).unwrap_or(Value::Null);
                }
                a
            })
            .collect()
    };
    let mut out = Vec::new();
    for (i, s) in table("service").iter().enumerate() {
        let id = s
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut service = s.clone();
        if let Some(org_id) = s.get("organization_id").and_then(Value::as_str)
            && let Some(org) = table("organization")
                .iter()
                .find(|o| o.get("id").and_then(Value::as_str) == Some(org_id))
        {
            let mut org = org.clone();
            org.insert(
                "organization_identifiers".into(),
                Value::Array(by(
                    table("organization_identifier"),
                    "organization_id",
                    org_id,
                )),
            );
            org.insert("attributes".into(), Value::Array(attributes(org_id)));
            org.insert(
                "phones".into(),
                Value::Array(by(table("phone"), "organization_id", org_id)),
            );
            service.insert("organization".into(), Value::Object(org));
        }
        let sals: Vec<Value> = by(table("service_at_location"), "service_id", &id)
            .into_iter()
            .map(|mut sal| {
                let location_id = sal["location_id"].as_str().unwrap_or_default().to_owned();
                if let Some(location) = table("location")
                    .iter()
                    .find(|l| l.get("id").and_then(Value::as_str) == Some(location_id.as_str()))
                {
                    let mut location = location.clone();
                    location.insert(
                        "addresses".into(),
                        Value::Array(by(table("address"), "location_id", &location_id)),
                    );
                    location.insert(
                        "accessibility".into(),
                        Value::Array(by(table("accessibility"), "location_id", &location_id)),
                    );
                    location.insert(
                        "phones".into(),
                        Value::Array(by(table("phone"), "location_id", &location_id)),
                    );
                    sal["location"] = Value::Object(location);
                }
                sal
            })
            .collect();
        service.insert("service_at_locations".into(), Value::Array(sals));
        for (key, name) in [
            ("schedules", "schedule"),
            ("service_areas", "service_area"),
            ("languages", "language"),
            ("cost_options", "cost_option"),
            ("phones", "phone"),
        ] {
            service.insert(key.into(), Value::Array(by(table(name), "service_id", &id)));
        }
        let contacts: Vec<Value> = by(table("contact"), "service_id", &id)
            .into_iter()
            .map(|mut contact| {
                let contact_id = contact["id"].as_str().unwrap_or_default().to_owned();
                contact["phones"] = Value::Array(by(table("phone"), "contact_id", &contact_id));
                contact
            })
            .collect();
        service.insert("contacts".into(), Value::Array(contacts));
        service.insert("attributes".into(), Value::Array(attributes(&id)));
        let label = format!("services.csv row {} ({id})", i + 2);
        out.push((
            label,
            serde_json::from_value::<Service>(Value::Object(service))
                .map_err(|e| format!("not an Open Referral service: {e}")),
        ));
    }
    Ok(out)
}
