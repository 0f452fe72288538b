//! The seed catalogue: agencies, departments and services from ARCHITECTURE.md, embedded
//! in the binary and written at start-up where missing.
//!
//! Seeding only inserts what is absent (by code), so agency admins' later edits to a
//! service are never overwritten by a restart.

use std::collections::HashSet;

use anyhow::{bail, Context};
use nafitha_domain::appointment::Availability;
use nafitha_domain::backoffice::PORTAL_AGENCY;
use nafitha_domain::licence::Issues;
use nafitha_domain::{FormDefinition, Locale, Localized, ServiceKind};
use serde::Deserialize;

use super::Store;

const CATALOGUE_JSON: &str = include_str!("../../seed/catalogue.json");

/// The whole seed catalogue.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub agencies: Vec<Agency>,
    pub services: Vec<Service>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub code: String,
    pub name: Localized,
    pub phone: String,
    pub email: String,
    /// The portal's operator ([`PORTAL_AGENCY`]): its contact centre files for every
    /// agency; it offers no service of its own.
    #[serde(default)]
    pub operator: bool,
    pub departments: Vec<Department>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub code: String,
    pub name: Localized,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub code: String,
    pub kind: ServiceKind,
    pub agency: String,
    pub department: String,
    pub name: Localized,
    pub summary: Localized,
    pub description: Localized,
    pub fee_halalas: u32,
    pub sla_working_days: u16,
    pub documents: Vec<Localized>,
    pub form: FormDefinition,
    /// When an appointment service receives (required for them, refused for others).
    #[serde(default)]
    pub availability: Option<Availability>,
    /// What a permit service issues when one of its requests is approved.
    #[serde(default)]
    pub issues: Option<Issues>,
}

fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Catalogue {
    /// The catalogue embedded in the binary, checked.
    pub fn embedded() -> anyhow::Result<Catalogue> {
        let catalogue: Catalogue =
            serde_json::from_str(CATALOGUE_JSON).context("seed/catalogue.json is malformed")?;
        catalogue.check()?;
        Ok(catalogue)
    }

    /// Checks codes, references between agencies, departments and services, that every
    /// text exists in both languages, and every form definition (by the domain's rule).
    pub fn check(&self) -> anyhow::Result<()> {
        let mut codes = HashSet::new();
        let mut departments = HashSet::new();
        for agency in &self.agencies {
            if !is_code(&agency.code) || !codes.insert(agency.code.as_str()) {
                bail!("agency code {:?} is malformed or repeated", agency.code);
            }
            if agency.name.is_incomplete()
                || agency.phone.trim().is_empty()
                || agency.email.trim().is_empty()
            {
                bail!(
                    "agency {} lacks a name in both languages or contact details",
                    agency.code
                );
            }
            for department in &agency.departments {
                if !is_code(&department.code) || !codes.insert(department.code.as_str()) {
                    bail!(
                        "department code {:?} is malformed or repeated",
                        department.code
                    );
                }
                if department.name.is_incomplete() {
                    bail!(
                        "department {} lacks a name in both languages",
                        department.code
                    );
                }
                departments.insert((agency.code.as_str(), department.code.as_str()));
            }
            if agency.operator != (agency.code == PORTAL_AGENCY) {
                bail!("the operator agency, and only it, has the code {PORTAL_AGENCY}");
            }
            let offers = self.services.iter().any(|s| s.agency == agency.code);
            if offers == agency.operator {
                bail!(
                    "agency {}: every agency but the operator offers a service",
                    agency.code
                );
            }
        }
        for service in &self.services {
            let code = &service.code;
            if !is_code(code) || !codes.insert(code.as_str()) {
                bail!("service code {code:?} is malformed or repeated");
            }
            if !departments.contains(&(service.agency.as_str(), service.department.as_str())) {
                bail!(
                    "service {code}: department {} is not one of agency {}",
                    service.department,
                    service.agency
                );
            }
            let texts = [&service.name, &service.summary, &service.description];
            if texts
                .into_iter()
                .chain(&service.documents)
                .any(Localized::is_incomplete)
            {
                bail!("service {code}: every text needs Arabic and English");
            }
            if !(1..=365).contains(&service.sla_working_days) {
                bail!("service {code}: the SLA must be 1 to 365 working days");
            }
            match (
                &service.availability,
                service.kind == ServiceKind::Appointment,
            ) {
                (None, true) => {
                    bail!("service {code}: an appointment service needs an availability")
                }
                (Some(_), false) => {
                    bail!("service {code}: only appointment services have an availability")
                }
                (Some(availability), true) => {
                    if let Err(problems) = availability.validate() {
                        let list: Vec<String> = problems
                            .iter()
                            .map(|p| format!("{}: {}", p.field, p.message.en))
                            .collect();
                        bail!("service {code}: availability: {}", list.join("; "));
                    }
                }
                (None, false) => {}
            }
            if let Some(issues) = &service.issues {
                if let Err(problem) = issues.check(service.kind, &service.form) {
                    bail!("service {code}: issues: {problem}");
                }
            }
            if let Err(problems) = service.form.check() {
                let list: Vec<String> = problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field().unwrap_or("form"), p.message(Locale::En)))
                    .collect();
                bail!("service {code}: form definition: {}", list.join("; "));
            }
        }
        Ok(())
    }
}

impl Store {
    /// Writes the catalogue's agencies, departments and services that are not in the
    /// database yet, in one transaction. Returns how many services were added.
    pub async fn seed_catalogue(&self, catalogue: &Catalogue) -> anyhow::Result<u64> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        for (position, agency) in catalogue.agencies.iter().enumerate() {
            sqlx::query(
                "insert into agencies (code, name_ar, name_en, phone, email, position, operator) \
                 values ($1, $2, $3, $4, $5, $6, $7) on conflict (code) do nothing",
            )
            .bind(&agency.code)
            .bind(&agency.name.ar)
            .bind(&agency.name.en)
            .bind(&agency.phone)
            .bind(&agency.email)
            .bind(position as i64)
            .bind(i64::from(agency.operator))
            .execute(&mut *tx)
            .await?;
            for department in &agency.departments {
                sqlx::query(
                    "insert into departments (code, agency_code, name_ar, name_en) \
                     values ($1, $2, $3, $4) on conflict (code) do nothing",
                )
                .bind(&department.code)
                .bind(&agency.code)
                .bind(&department.name.ar)
                .bind(&department.name.en)
                .execute(&mut *tx)
                .await?;
            }
        }
        let mut added = 0;
        for (position, s) in catalogue.services.iter().enumerate() {
            let result = sqlx::query(
                "insert into services (code, kind, agency_code, department_code, name_ar, name_en, \
                 summary_ar, summary_en, description_ar, description_en, fee_halalas, sla_working_days, \
                 documents, form, active, position) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                 on conflict (code) do nothing",
            )
            .bind(&s.code)
            .bind(s.kind.code())
            .bind(&s.agency)
            .bind(&s.department)
            .bind(&s.name.ar)
            .bind(&s.name.en)
            .bind(&s.summary.ar)
            .bind(&s.summary.en)
            .bind(&s.description.ar)
            .bind(&s.description.en)
            .bind(i64::from(s.fee_halalas))
            .bind(i64::from(s.sla_working_days))
            .bind(serde_json::to_string(&s.documents)?)
            .bind(serde_json::to_string(&s.form)?)
            .bind(1_i64)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
            added += result.rows_affected();
            // A service seeded before licences existed learns what it issues; one that
            // already declares it keeps its own.
            if let Some(issues) = &s.issues {
                sqlx::query("update services set issues = $1 where code = $2 and issues is null")
                    .bind(serde_json::to_string(issues)?)
                    .bind(&s.code)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(availability) = &s.availability {
                sqlx::query(
                    "insert into availabilities (service_code, rules, updated_by, updated_at) \
                     values ($1, $2, 'seed', 0) on conflict (service_code) do nothing",
                )
                .bind(&s.code)
                .bind(serde_json::to_string(availability)?)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalogue_is_well_formed_and_large_enough() {
        let catalogue = Catalogue::embedded().expect("seed catalogue passes its checks");
        assert!(
            catalogue.agencies.len() >= 6,
            "{} agencies",
            catalogue.agencies.len()
        );
        assert!(
            catalogue.services.len() >= 25,
            "{} services",
            catalogue.services.len()
        );
        for agency in &catalogue.agencies {
            assert_eq!(
                catalogue.services.iter().any(|s| s.agency == agency.code),
                !agency.operator,
                "agency {} offers a service unless it is the operator",
                agency.code
            );
        }
        assert!(catalogue.agencies.iter().any(|a| a.operator));
        for kind in ServiceKind::ALL {
            assert!(
                catalogue.services.iter().any(|s| s.kind == kind),
                "no service of kind {kind:?}"
            );
        }
        assert!(catalogue.services.iter().all(|s| !s.form.fields.is_empty()));
        assert!(
            catalogue
                .services
                .iter()
                .any(|s| s.issues.is_some() && s.fee_halalas == 0),
            "a free permit service issues a licence"
        );
        assert!(
            catalogue
                .services
                .iter()
                .any(|s| s.issues.is_some() && s.fee_halalas > 0),
            "a permit service with a fee issues a licence once its bill is paid"
        );
    }

    #[test]
    fn a_service_that_issues_a_licence_it_cannot_print_is_refused() {
        let mut catalogue = Catalogue::embedded().unwrap();
        let service = catalogue
            .services
            .iter_mut()
            .find(|s| s.issues.is_some())
            .unwrap();
        service
            .issues
            .as_mut()
            .unwrap()
            .fields
            .push("documents".into());
        let err = catalogue.check().unwrap_err().to_string();
        assert!(err.contains("cannot be printed"), "{err}");
    }

    #[test]
    fn a_service_in_another_agencys_department_is_refused() {
        let mut catalogue = Catalogue::embedded().unwrap();
        let other = catalogue
            .agencies
            .iter()
            .find(|a| a.code != catalogue.services[0].agency)
            .unwrap()
            .departments[0]
            .code
            .clone();
        catalogue.services[0].department = other;
        let err = catalogue.check().unwrap_err().to_string();
        assert!(err.contains("is not one of agency"), "{err}");
    }

    #[test]
    fn a_service_with_a_broken_form_is_refused() {
        let mut catalogue = Catalogue::embedded().unwrap();
        let field = catalogue.services[0].form.fields[0].clone();
        catalogue.services[0].form.fields.push(field);
        let err = catalogue.check().unwrap_err().to_string();
        assert!(err.contains("used twice"), "{err}");
    }
}
