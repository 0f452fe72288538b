//! Reading the service catalogue.

use nafitha_domain::{
    AgencyRef, Contact, DepartmentRef, FormDefinition, Localized, ServiceDetail, ServiceKind,
    ServiceSummary,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{narrow, Store};

const SUMMARY_COLUMNS: &str = "s.code, s.kind, s.name_ar, s.name_en, s.summary_ar, s.summary_en, \
     s.fee_halalas, s.sla_working_days, a.code as agency_code, a.name_ar as agency_name_ar, \
     a.name_en as agency_name_en";

fn summary_from_row(row: &AnyRow) -> Result<ServiceSummary, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(ServiceSummary {
        code: row.try_get("code")?,
        kind: ServiceKind::from_code(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown service kind {kind:?}").into()))?,
        name: Localized::new(
            row.try_get::<String, _>("name_ar")?,
            row.try_get::<String, _>("name_en")?,
        ),
        summary: Localized::new(
            row.try_get::<String, _>("summary_ar")?,
            row.try_get::<String, _>("summary_en")?,
        ),
        agency: AgencyRef {
            code: row.try_get("agency_code")?,
            name: Localized::new(
                row.try_get::<String, _>("agency_name_ar")?,
                row.try_get::<String, _>("agency_name_en")?,
            ),
        },
        fee_halalas: narrow(row.try_get("fee_halalas")?, "fee_halalas")?,
        sla_working_days: narrow(row.try_get("sla_working_days")?, "sla_working_days")?,
    })
}

fn json_column<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    column: &str,
) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(format!("{column}: {e}").into()))
}

impl Store {
    /// Every service that accepts filings, grouped by agency in catalogue order.
    pub async fn list_services(&self) -> Result<Vec<ServiceSummary>, sqlx::Error> {
        let sql = format!(
            "select {SUMMARY_COLUMNS} from services s join agencies a on a.code = s.agency_code \
             where s.active = 1 order by a.position, s.position, s.code"
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// One service with its department, documents and form, active or not.
    pub async fn get_service(&self, code: &str) -> Result<Option<ServiceDetail>, sqlx::Error> {
        Ok(self.services_where("s.code = $1", Some(code)).await?.pop())
    }

    /// Every service of `agency`, active or not, in catalogue order.
    pub async fn agency_services(&self, agency: &str) -> Result<Vec<ServiceDetail>, sqlx::Error> {
        self.services_where("s.agency_code = $1", Some(agency))
            .await
    }

    /// The services `condition` selects (with `$1` bound to `value`, when given).
    pub(super) async fn services_where(
        &self,
        condition: &str,
        value: Option<&str>,
    ) -> Result<Vec<ServiceDetail>, sqlx::Error> {
        let sql = format!(
            "select {SUMMARY_COLUMNS}, s.description_ar, s.description_en, s.documents, s.form, s.active, a.phone, a.email, \
             d.code as department_code, d.name_ar as department_name_ar, d.name_en as department_name_en, \
             av.rules as availability, s.issues from services s join agencies a on a.code = s.agency_code \
             join departments d on d.code = s.department_code \
             left join availabilities av on av.service_code = s.code where {condition} \
             order by a.position, s.position, s.code"
        );
        let mut query = sqlx::query(&sql);
        if let Some(value) = value {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(detail_from_row).collect()
    }
}

fn detail_from_row(row: &AnyRow) -> Result<ServiceDetail, sqlx::Error> {
    Ok(ServiceDetail {
        summary: summary_from_row(row)?,
        department: DepartmentRef {
            code: row.try_get("department_code")?,
            name: Localized::new(
                row.try_get::<String, _>("department_name_ar")?,
                row.try_get::<String, _>("department_name_en")?,
            ),
        },
        description: Localized::new(
            row.try_get::<String, _>("description_ar")?,
            row.try_get::<String, _>("description_en")?,
        ),
        documents: json_column(row, "documents")?,
        form: json_column::<FormDefinition>(row, "form")?,
        active: row.try_get::<i64, _>("active")? != 0,
        contact: Contact {
            phone: row.try_get("phone")?,
            email: row.try_get("email")?,
        },
        booking: row
            .try_get::<Option<String>, _>("availability")?
            .map(|rules| {
                serde_json::from_str::<nafitha_domain::appointment::Availability>(&rules)
                    .map(|a| a.mode)
                    .map_err(|e| sqlx::Error::Decode(format!("availability: {e}").into()))
            })
            .transpose()?,
        issues: row
            .try_get::<Option<String>, _>("issues")?
            .map(|issues| {
                serde_json::from_str(&issues)
                    .map_err(|e| sqlx::Error::Decode(format!("issues: {e}").into()))
            })
            .transpose()?,
    })
}
